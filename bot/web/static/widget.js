/* Website chat widget for the sourcing assistant. Plain JS, no build step.
 *
 * Embed with one tag (the CSS and the socket.io client load from beside this file):
 *   <script src="https://chat.example.com/webhooks/webchat/widget.js" data-title="..."
 *           data-greeting="..." data-server-url="(optional)"></script>
 * or set window.SourcingChat = {serverUrl, title, greeting} before it. The chat server
 * is the one this file came from (its script src), unless data-server-url says otherwise;
 * a page on another origin must be in the server's WIDGET_ALLOWED_ORIGINS.
 *
 * Safety: every text from the visitor or the bot goes into the page through
 * textContent, never as HTML; a link from the bot is used only when it is http(s), and
 * opens in a new tab without access to this page (rel="noopener noreferrer").
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = new URL(".", script.src).href; // .../webhooks/webchat/
  var data = script.dataset;
  var options = window.SourcingChat || {};
  var config = {
    // the server this file came from, so a company's page needs this one tag only
    serverUrl: data.serverUrl || options.serverUrl || new URL(script.src).origin,
    socketPath: data.socketPath || options.socketPath || "/socket.io",
    title: data.title || options.title || "Chat with us",
    greeting: data.greeting || options.greeting || "Hi! How can I help you?"
  };
  var MAX_CHARS = 1000;
  var KEEP_MESSAGES = 100;
  var KEY = "sourcingchat:";

  // --- storage (private browsing may refuse it: then the chat just isn't kept) ----
  function load(store, name, fallback) {
    try {
      var value = JSON.parse(store.getItem(KEY + name));
      return value === null ? fallback : value;
    } catch (e) { return fallback; }
  }
  function save(store, name, value) {
    try { store.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* not kept */ }
  }
  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var sessionId = load(localStorage, "session", null) || newSessionId();
  save(localStorage, "session", sessionId);
  var transcript = load(localStorage, "transcript", []);

  // --- DOM helpers: text only ------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  var css = el("link", { rel: "stylesheet", href: base + "widget.css" });
  document.head.appendChild(css);

  var root = el("div", { "class": "sc-root" });
  var launcher = el("button", {
    type: "button", "class": "sc-launcher", "aria-expanded": "false", "aria-controls": "sc-panel"
  }, "Chat with us");
  var panel = el("section", { id: "sc-panel", "class": "sc-panel", "aria-labelledby": "sc-title" });
  panel.hidden = true;

  var header = el("div", { "class": "sc-header" });
  header.appendChild(el("h2", { id: "sc-title" }, config.title));
  var closeButton = el("button", { type: "button", "class": "sc-close", "aria-label": "Close chat" }, "×");
  header.appendChild(closeButton);

  var notice = el("p", { "class": "sc-notice" }, "You are chatting with an automated assistant. ");
  notice.appendChild(el("a", { href: base + "privacy", target: "_blank", rel: "noopener" }, "Privacy notice"));

  var status = el("p", { "class": "sc-status", role: "status" });
  var log = el("div", {
    "class": "sc-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0"
  });
  var typing = el("div", { "class": "sc-typing", "aria-label": "The assistant is typing" });
  typing.appendChild(el("span")); typing.appendChild(el("span")); typing.appendChild(el("span"));
  typing.hidden = true;
  var replies = el("div", { "class": "sc-replies", role: "group", "aria-label": "Suggested replies" });

  var form = el("form", { "class": "sc-form", novalidate: "" });
  var input = el("input", {
    id: "sc-input", type: "text", maxlength: String(MAX_CHARS), autocomplete: "off",
    "aria-describedby": "sc-hint"
  });
  var label = el("label", { "for": "sc-input", "class": "sc-visually-hidden" }, "Your message");
  var send = el("button", { type: "submit", "class": "sc-send" }, "Send");
  var hint = el("p", { id: "sc-hint", "class": "sc-hint", "aria-live": "polite" });
  form.appendChild(label); form.appendChild(input); form.appendChild(send); form.appendChild(hint);

  [header, notice, status, log, typing, replies, form].forEach(function (part) { panel.appendChild(part); });
  root.appendChild(panel);
  root.appendChild(launcher);
  document.body.appendChild(root);

  // --- messages ----------------------------------------------------------------------
  function render(entry) {
    if (entry.links) { renderLinks(entry.links); return; }
    var who = entry.from === "user" ? "You" : "Assistant";
    var bubble = el("div", { "class": "sc-msg sc-" + (entry.from === "user" ? "user" : "bot") });
    bubble.appendChild(el("span", { "class": "sc-visually-hidden" }, who + ": "));
    bubble.appendChild(document.createTextNode(entry.text));
    log.appendChild(bubble);
    if (entry.rating) { renderRating(entry, bubble); }
    log.scrollTop = log.scrollHeight;
  }

  // --- links (e.g. the meeting link): only http(s), opened in a new tab without an opener --------
  function safeUrl(value) {
    if (typeof value !== "string" || value.length > 2000) { return null; }
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) { return null; }
  }

  function cleanLinks(links) {
    return (Array.isArray(links) ? links : []).slice(0, 3).filter(function (link) {
      return link && typeof link.title === "string" && link.title && safeUrl(link.url);
    }).map(function (link) { return { title: link.title.slice(0, 60), url: safeUrl(link.url) }; });
  }

  function renderLinks(links) {
    var row = el("div", { "class": "sc-links" });
    cleanLinks(links).forEach(function (link) { // again here: the transcript comes back from storage
      row.appendChild(el("a", { "class": "sc-link", href: link.url, target: "_blank", rel: "noopener noreferrer" },
        link.title));
    });
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  // --- "Was this answer helpful?": under the latest knowledge answer only -------------------
  function cleanRating(rating) {
    if (!rating || typeof rating.question !== "string" || !Array.isArray(rating.options)) { return null; }
    var options = rating.options.slice(0, 3).filter(function (o) {
      return o && typeof o.title === "string" && typeof o.payload === "string" && /^\/[a-z_]{1,40}$/.test(o.payload);
    }).map(function (o) { return { title: o.title.slice(0, 40), payload: o.payload }; });
    return options.length ? { question: rating.question.slice(0, 100), options: options } : null;
  }

  function dropRatings() {
    transcript.forEach(function (entry) { delete entry.rating; });
    Array.prototype.forEach.call(log.querySelectorAll(".sc-rating"), function (node) { node.remove(); });
  }

  function renderRating(entry, bubble) {
    var group = el("div", { "class": "sc-rating", role: "group", "aria-label": entry.rating.question });
    group.appendChild(el("span", {}, entry.rating.question + " "));
    entry.rating.options.forEach(function (option) {
      var b = el("button", { type: "button", "class": "sc-rate" }, option.title);
      b.addEventListener("click", function () {
        if (!ready) { return; }
        transmit(option.payload);
        dropRatings();
        save(localStorage, "transcript", transcript);
        bubble.appendChild(el("div", { "class": "sc-rating sc-rated", role: "status" }, "Thanks for your feedback."));
      });
      group.appendChild(b);
    });
    bubble.appendChild(group);
  }

  function offerRating(rating) {
    var entry = transcript[transcript.length - 1];
    var bubbles = log.querySelectorAll(".sc-msg");
    var bubble = bubbles[bubbles.length - 1];
    rating = cleanRating(rating);
    if (!rating || !entry || entry.from !== "bot" || entry.links || !bubble) { return; }
    entry.rating = rating;
    save(localStorage, "transcript", transcript);
    renderRating(entry, bubble);
  }

  function showReplies(buttons) {
    while (replies.firstChild) { replies.removeChild(replies.firstChild); }
    (buttons || []).forEach(function (button) {
      var b = el("button", { type: "button", "class": "sc-reply" }, button.title);
      b.addEventListener("click", function () { sendMessage(button.payload, button.title); });
      replies.appendChild(b);
    });
    replies.hidden = !replies.firstChild;
  }

  function add(entry) {
    dropRatings(); // only the latest answer can be rated
    transcript.push(entry);
    transcript = transcript.slice(-KEEP_MESSAGES);
    save(localStorage, "transcript", transcript);
    render(entry);
  }

  function botSays(message) {
    if (!message || typeof message !== "object") { return; }
    if (message.rating) { offerRating(message.rating); return; }
    var links = cleanLinks(message.links);
    if (links.length) { add({ from: "bot", links: links }); setTyping(false); return; }
    if (typeof message.text !== "string") { return; }
    var buttons = (message.quick_replies || message.buttons || []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }).map(function (b) { return { title: b.title, payload: b.payload }; });
    add({ from: "bot", text: message.text, buttons: buttons });
    showReplies(buttons);
    setTyping(false);
  }

  var typingTimer = null;
  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) { typingTimer = setTimeout(function () { typing.hidden = true; }, 30000); }
    if (on) { log.scrollTop = log.scrollHeight; }
  }

  // --- input: counter and the 1,000-character limit -----------------------------------
  function updateHint() {
    var n = input.value.length;
    var tooLong = n > MAX_CHARS;
    hint.textContent = tooLong
      ? "Your message is too long: " + n + " of " + MAX_CHARS + " characters. Please shorten it."
      : n >= MAX_CHARS * 0.8 ? n + " / " + MAX_CHARS + " characters" : "";
    hint.classList.toggle("sc-hint-error", tooLong);
    input.setAttribute("aria-invalid", tooLong ? "true" : "false");
    return !tooLong;
  }
  input.addEventListener("input", updateHint);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!updateHint() || !text || !ready) { return; }
    sendMessage(text, text);
    input.value = "";
    updateHint();
  });

  // --- transport ----------------------------------------------------------------------
  var socket = null;
  var ready = false;
  var connectedOnce = false; // a refused first connection (e.g. origin not allowed) is "unavailable"
  var UNAVAILABLE = "The chat is unavailable right now. Please try again later.";

  function setStatus(text) {
    status.textContent = text; // stays in the page (empty) so screen readers announce changes
    panel.classList.toggle("sc-offline", !!text);
    send.disabled = !ready;
  }

  function sendMessage(payload, shownText) {
    if (!ready) { return; }
    showReplies([]);
    transcript.forEach(function (entry) { delete entry.buttons; });
    add({ from: "user", text: shownText });
    setTyping(true);
    transmit(payload);
  }

  function transmit(payload) {
    socket.emit("user_uttered", {
      message: payload,
      session_id: sessionId,
      customData: { page_url: window.location.href }
    });
  }

  function connect() {
    if (socket) { return; }
    setStatus("Connecting…");
    var loader = el("script", { src: base + "vendor/socket.io.min.js" });
    loader.onerror = function () { setStatus(UNAVAILABLE); };
    loader.onload = function () {
      socket = window.io(config.serverUrl, {
        path: config.socketPath, reconnectionDelay: 1000, reconnectionDelayMax: 4000
      });
      socket.on("connect", function () {
        connectedOnce = true;
        socket.emit("session_request", { session_id: sessionId });
      });
      socket.on("session_confirm", function (id) {
        if (typeof id === "string" && id !== sessionId) {
          sessionId = id;
          save(localStorage, "session", id);
        }
        ready = true;
        setStatus("");
      });
      socket.on("bot_uttered", botSays);
      socket.on("disconnect", function () { ready = false; setTyping(false); setStatus("Reconnecting…"); });
      socket.on("connect_error", function () {
        ready = false;
        setStatus(connectedOnce ? "Reconnecting…" : UNAVAILABLE); // it keeps trying meanwhile
      });
    };
    document.head.appendChild(loader);
  }

  // --- open and close ---------------------------------------------------------------------
  function open(restoring) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("sc-open");
    launcher.textContent = "Hide chat";
    save(sessionStorage, "open", true);
    if (!transcript.length) { add({ from: "bot", text: config.greeting }); }
    log.scrollTop = log.scrollHeight;
    connect();
    if (!restoring) { input.focus(); }
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("sc-open");
    launcher.textContent = "Chat with us";
    save(sessionStorage, "open", false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(false); } else { close(); } });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { close(); } });

  transcript.forEach(render);
  var last = transcript[transcript.length - 1];
  showReplies(last && last.buttons);
  setStatus("");
  if (load(sessionStorage, "open", false)) { open(true); }
})();
