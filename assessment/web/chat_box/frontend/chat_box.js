// soc2-ready chat box (st.components.v2): a chat input that never loses a submission.
//
// Streamlit coalesces widget values that arrive while a script run is in progress, so a plain chat
// input can drop an answer typed while the previous one is being read. Here every submission gets an
// id and waits in a queue in the page until the server acknowledges that id. Each send carries the
// whole unacknowledged queue, so the newest message alone brings everything still pending; the server
// applies each id once and lists the ids it has in `data.acked` on its next render. If the page is
// idle and something is still unacknowledged, the queue is sent again (with backoff).
//
// The queue is also kept in the tab's sessionStorage under the session id, so a reload (or a page
// rebuilt after a reconnect) sends again what was never acknowledged. That is safe: the server saves
// the ids it answered with the session, so a message it had already saved is not recorded twice.
// sessionStorage stays in this tab (no other tab, no server, no network) and is cleared with it.
//
// st.chat_input also keeps the newest message in view (Streamlit makes the main pane stick to its end
// only when a chat_input is pinned at the bottom); this box replaced it, so it does the same itself:
// while the founder is at the end of the chat, or has just sent something, the pane follows what is
// added; once they scroll up to read the history it stays where they put it until they come back to
// the end. Finished, the box sits inline under the results (pinned false): the pane then shows the
// results from the top once, and follows only when the founder has scrolled down to the box.
//
// Data from Python: placeholder, label, send_label, sending_one, sending_many ("{count}"), max_chars,
// acked (ids), sid (the session shown), pinned (the box is at the bottom of the page).
// Trigger to Python: "submit" -> {outbox: [{id, text}], attempt}.

// A send Streamlit coalesced away is repeated after this long (only while the app is idle): short,
// because until then a quick reply or another tab's answer can be taken before it.
const RESEND_AFTER_MS = 600;
const RESEND_MAX_MS = 15000;
const RESTORED_SEND_MS = 300; // a queue restored after a reload is sent as soon as the page is idle
const STORAGE_PREFIX = "soc2-ready-chat-box:";
const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,80}$/; // what the server takes (one bad entry voids a send)
const MAIN_PANE = "[data-testid='stMain']"; // the element that scrolls the page's main area
const AT_END_PX = 48; // this close to the end of the pane counts as reading the newest message

// Module state outlives a re-render and a remount of the element (the module is imported once per page).
const box = {
  client: randomHex(8),
  seq: 0,
  attempt: 0,
  sid: null, // the session whose queue this is
  queue: [],
  draft: "",
  focused: false,
  timer: null,
  backoff: RESEND_AFTER_MS,
  lastSend: 0,
  send: null,
  texts: {},
};

// The main pane's scroll position, kept across renders like `box`.
const view = {
  pane: null,
  observer: null,
  stick: true, // the founder is at the end: follow what is added
  pinned: null, // the last render's data.pinned (null before the first render)
  userAt: 0, // when the founder last turned the wheel, touched, dragged the scrollbar or pressed a key
  dragging: false,
};
const USER_SCROLL_MS = 1000; // a scroll this soon after the founder's own input is theirs
const SCROLL_KEYS = new Set(["PageUp", "PageDown", "ArrowUp", "ArrowDown", "Home", "End", " "]);

function atEnd(pane) {
  return pane.scrollHeight - pane.scrollTop - pane.clientHeight <= AT_END_PX;
}

function follow() {
  // Instant, not smooth: a smooth scroll's intermediate positions would read as "scrolled up".
  const pane = view.pane;
  if (pane && view.stick) pane.scrollTo({ top: pane.scrollHeight, behavior: "instant" });
}

function onScroll(pane) {
  // Reaching the end (by any means) resumes following; only the founder's own scrolling stops it.
  // A scroll event comes a frame late, when a rerun may already have added more below: away from the
  // end is then no sign that anyone scrolled up, unless the founder was just scrolling.
  if (atEnd(pane)) view.stick = true;
  else if (view.dragging || Date.now() - view.userAt < USER_SCROLL_MS) view.stick = false;
}

function watchPane() {
  // Follow the pane's content as it grows; see onScroll for when to go on.
  const pane = document.querySelector(MAIN_PANE);
  if (!pane || pane === view.pane) return;
  if (view.observer) view.observer.disconnect();
  view.pane = pane;
  const intent = () => {
    view.userAt = Date.now();
  };
  pane.addEventListener("scroll", () => view.pane === pane && onScroll(pane), { passive: true });
  pane.addEventListener("wheel", intent, { passive: true });
  pane.addEventListener("touchmove", intent, { passive: true });
  pane.addEventListener("pointerdown", (event) => {
    view.dragging = event.target === pane; // on the pane itself, not its content: the scrollbar
  });
  if (typeof ResizeObserver !== "function") return;
  view.observer = new ResizeObserver(follow);
  view.observer.observe(pane);
  Array.from(pane.children).forEach((child) => view.observer.observe(child));
}

// Once per page (the module is imported once): keys that scroll the page, the end of a scrollbar drag.
window.addEventListener("keydown", (event) => {
  // PageUp, arrows, Home… scroll the page, except while typing (in the box, or any other field)
  const target = event.composedPath()[0];
  const field = target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  const typing = field || (target instanceof HTMLElement && target.isContentEditable);
  if (!typing && SCROLL_KEYS.has(event.key)) view.userAt = Date.now();
});
window.addEventListener("pointerup", () => {
  view.dragging = false;
});

function place(pinned) {
  // Called on every render. Switching to the inline box (the results) starts at the top of the page.
  watchPane();
  const pane = view.pane;
  if (pinned !== view.pinned) {
    if (!pinned && pane) pane.scrollTo({ top: 0, behavior: "instant" });
    view.stick = pinned || (pane !== null && atEnd(pane));
    view.pinned = pinned;
  }
  follow();
}

function randomHex(bytes) {
  const values = new Uint8Array(bytes);
  crypto.getRandomValues(values); // available outside secure contexts too, unlike randomUUID
  return Array.from(values, (b) => b.toString(16).padStart(2, "0")).join("");
}

function appIdle() {
  const app = document.querySelector("[data-testid='stApp']");
  const state = app && app.getAttribute("data-test-script-state");
  return state === null || state !== "running"; // unknown: treat as idle, the backoff bounds resends
}

function stored(sid) {
  // The unacknowledged queue this tab kept for `sid`; nothing if storage is blocked or the entry bad.
  try {
    const items = JSON.parse(window.sessionStorage.getItem(STORAGE_PREFIX + sid) || "[]");
    if (!Array.isArray(items)) return [];
    const valid = (s) => s && typeof s.id === "string" && ID_PATTERN.test(s.id) && typeof s.text === "string";
    return items.filter(valid);
  } catch (error) {
    return [];
  }
}

function keep() {
  // Mirror the queue into sessionStorage; if storage is unavailable the page's own queue still holds it.
  if (!box.sid) return;
  try {
    const key = STORAGE_PREFIX + box.sid;
    const items = box.queue.map((s) => ({ id: s.id, text: s.text }));
    if (box.queue.length === 0) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, JSON.stringify(items));
  } catch (error) {
    // quota exceeded or storage disabled: nothing more to do
  }
}

function push() {
  if (!box.send || box.queue.length === 0) return;
  box.attempt += 1;
  box.lastSend = Date.now();
  box.send("submit", { outbox: box.queue.map((s) => ({ id: s.id, text: s.text })), attempt: box.attempt });
  schedule();
}

function schedule(delay) {
  if (box.timer !== null) clearTimeout(box.timer);
  box.timer = null;
  if (box.queue.length === 0) {
    box.backoff = RESEND_AFTER_MS;
    return;
  }
  box.timer = setTimeout(() => {
    box.timer = null;
    if (box.queue.length === 0) return;
    if (appIdle()) {
      box.backoff = Math.min(box.backoff * 2, RESEND_MAX_MS);
      push();
    } else {
      schedule(); // a run is in progress: its render will acknowledge, look again later
    }
  }, delay === undefined ? box.backoff : delay);
}

function statusText() {
  const count = box.queue.length;
  if (count === 0) return "";
  const template = count === 1 ? box.texts.sending_one : box.texts.sending_many;
  return String(template || "").replace("{count}", String(count));
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const cfg = data || {};
  const root = parentElement.querySelector(".chat-box");
  if (!root) return undefined;
  const area = root.querySelector("textarea");
  const button = root.querySelector("button.send");
  const status = root.querySelector(".status");

  box.send = setTriggerValue;
  box.texts = cfg;
  const sid = typeof cfg.sid === "string" ? cfg.sid : "";
  let restored = false;
  if (sid !== box.sid) {
    // A page load (a reload too) or another session shown in this tab: take up that session's queue.
    // The one left is already in sessionStorage, and is sent again if the tab goes back to it.
    box.sid = sid;
    box.queue = sid ? stored(sid) : [];
    box.backoff = RESEND_AFTER_MS;
    restored = box.queue.length > 0;
  }
  const acked = new Set(Array.isArray(cfg.acked) ? cfg.acked : []);
  const before = box.queue.length;
  box.queue = box.queue.filter((s) => !acked.has(s.id));
  if (box.queue.length < before) box.backoff = RESEND_AFTER_MS;
  keep();

  area.placeholder = cfg.placeholder || "";
  area.setAttribute("aria-label", cfg.label || cfg.placeholder || "");
  button.setAttribute("aria-label", cfg.send_label || "");
  button.title = cfg.send_label || "";
  if (Number.isInteger(cfg.max_chars) && cfg.max_chars > 0) area.maxLength = cfg.max_chars;

  const fit = () => {
    area.style.height = "auto";
    area.style.height = `${area.scrollHeight}px`;
    button.classList.toggle("ready", area.value.trim().length > 0);
  };
  const show = () => {
    status.textContent = statusText();
  };

  const submit = () => {
    const text = area.value;
    if (text.trim().length === 0) return;
    box.seq += 1;
    box.queue.push({ id: `${box.client}-${box.seq}`, text });
    keep(); // before sending: a reload from now on sends it again
    view.stick = true; // the founder wants to see the reply to what they just sent
    follow();
    area.value = "";
    box.draft = "";
    fit();
    show();
    push();
  };

  area.onkeydown = (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault(); // Enter sends, Shift+Enter is a new line, Enter while composing (IME) is not a send
    submit();
  };
  area.oninput = () => {
    box.draft = area.value;
    fit();
  };
  area.onfocus = () => {
    box.focused = true;
  };
  area.onblur = () => {
    box.focused = false;
  };
  button.onclick = () => {
    submit();
    area.focus();
  };

  // A remount (the element moved on the page) starts with an empty textarea: restore what was typed.
  if (area.value !== box.draft) area.value = box.draft;
  if (box.focused && parentElement.activeElement !== area) area.focus();
  fit();
  show();
  place(cfg.pinned !== false);
  schedule(restored ? RESTORED_SEND_MS : undefined);
  return undefined;
}
