/*
 * Widget de discussion de l'assistant « exercice coordonné ».
 *
 * Une seule balise suffit sur le portail :
 *   <script src="https://portail.example/widget/webchat.js"
 *           data-server-url="https://rasa.example" defer></script>
 *
 * Protocole : canal socket.io standard de Rasa (session_request / session_confirm,
 * user_uttered / bot_uttered). Aucune ressource n'est chargée depuis un CDN : le client
 * socket.io et la feuille de style sont servis à côté de ce fichier.
 * Options et choix de conception : docs/webchat.md.
 */
(function () {
  "use strict";

  if (window.CoordoWebchat) {
    return; // snippet pasted twice: one widget is enough
  }

  // v2: session ids are issued and signed by the server (bot/channels/identity.py) and stored
  // here as received; a v1 id was chosen by the browser and would no longer be resumed.
  var STORAGE_VERSION = "v2";
  var MAX_INPUT_CHARS = 1000;
  var MAX_KEPT_MESSAGES = 200;
  // Rasa acknowledges user_uttered once the whole turn is processed (actions included).
  var TURN_TIMEOUT_MS = 60000;

  var TEXT = {
    launcher: "Une question ? Assistant",
    launcherHint: "Ouvrir l'assistant",
    close: "Fermer l'assistant",
    restart: "Nouvelle conversation",
    restarted: "Nouvelle conversation commencée.",
    notice:
      "Cet assistant donne des informations générales sur l'exercice coordonné, " +
      "pas d'avis médical. N'écrivez aucune donnée de santé personnelle " +
      "(ni la vôtre, ni celle d'un patient).",
    privacy: "Confidentialité",
    newTab: " (s'ouvre dans un nouvel onglet)",
    logLabel: "Conversation",
    you: "Vous : ",
    bot: "Assistant : ",
    inputLabel: "Votre message",
    inputHint: "Entrée pour envoyer, Maj + Entrée pour aller à la ligne.",
    placeholder: "Posez votre question…",
    send: "Envoyer",
    typing: "L'assistant rédige une réponse…",
    connecting: "Connexion à l'assistant…",
    offline:
      "Connexion à l'assistant impossible pour le moment. Nouvelle tentative automatique en cours.",
    offlineQueued:
      "Connexion à l'assistant impossible pour le moment. Vos messages en attente seront envoyés " +
      "dès le retour de la connexion.",
    online: "Connexion rétablie.",
    retry: "Réessayer maintenant",
    pending: "En attente de connexion : ce message sera envoyé automatiquement.",
    failed: "Pas de réponse reçue pour ce message.",
    resend: "Renvoyer",
    suggestions: "Suggestions de réponse",
    image: "Image envoyée par l'assistant",
    misconfigured: "Assistant : l'attribut data-server-url est obligatoire.",
  };

  var script = document.currentScript;
  var config = readConfig(script);
  if (!config) {
    return;
  }

  // ---------------------------------------------------------------- helpers

  function readConfig(tag) {
    var data = (tag && tag.dataset) || {};
    var assetsBase =
      tag && tag.src ? new URL(".", tag.src).href : new URL("/widget/", location.href).href;
    var serverUrl = (data.serverUrl || "").trim().replace(/\/+$/, "");
    if (!/^https?:\/\//i.test(serverUrl)) {
      console.error(TEXT.misconfigured);
      return null;
    }
    var primary = parseHexColor(data.primaryColor);
    if (data.primaryColor && !primary) {
      console.warn("Assistant : data-primary-color doit être de la forme #1a2b3c.");
    }
    return {
      serverUrl: serverUrl,
      socketPath: data.socketPath || "/socket.io/",
      title: data.title || "Assistant exercice coordonné",
      primaryColor: primary || "#00557f",
      initialPayload: data.initialPayload === undefined ? "/greet" : data.initialPayload,
      privacyUrl: data.privacyUrl || new URL("/confidentialite", assetsBase).href,
      storage: data.storage === "local" ? "local" : "session",
      launcherLabel: data.launcherLabel || TEXT.launcher,
      assetsBase: assetsBase,
    };
  }

  function parseHexColor(value) {
    if (typeof value !== "string") return null;
    var v = value.trim();
    if (/^#[0-9a-f]{3}$/i.test(v)) {
      v = "#" + v[1] + v[1] + v[2] + v[2] + v[3] + v[3];
    }
    return /^#[0-9a-f]{6}$/i.test(v) ? v.toLowerCase() : null;
  }

  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  // Whatever colour the portal picks, text on it stays readable (WCAG AA, 4.5:1).
  function themeFor(primary) {
    var onPrimary = contrast(primary, "#ffffff") >= contrast(primary, "#111111") ? "#ffffff" : "#111111";
    var accent = contrast(primary, "#f1f3f5") >= 4.5 ? primary : "#00466b";
    return { primary: primary, onPrimary: onPrimary, accent: accent };
  }

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  var SAFE_URL = /^(https?:\/\/|mailto:|tel:)/i;

  function linkHtml(label, url) {
    return (
      '<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + label +
      '<span class="cw-sr">' + escapeHtml(TEXT.newTab) + "</span></a>"
    );
  }

  // Inline subset on already escaped text: links, **bold**, *italic*, bare URLs.
  function renderInline(escaped) {
    var tokens = [];
    function keep(html) {
      tokens.push(html);
      return "\u0000" + (tokens.length - 1) + "\u0000";
    }
    var out = escaped.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, function (match, label, url) {
      return SAFE_URL.test(url) ? keep(linkHtml(label, url)) : match;
    });
    out = out.replace(/\bhttps?:\/\/[^\s<\u0000]+[^\s<\u0000.,;:!?)]/gi, function (url) {
      return keep(linkHtml(url, url));
    });
    out = out.replace(/\*\*(?=\S)([^*]+?)\*\*/g, "<strong>$1</strong>");
    out = out.replace(/(^|[^*\w])\*(?=\S)([^*\n]+?)\*(?!\w)/g, "$1<em>$2</em>");
    return out.replace(/\u0000(\d+)\u0000/g, function (match, i) {
      return tokens[Number(i)];
    });
  }

  /*
   * Markdown-style text to HTML. Everything is escaped FIRST; only the tags written
   * below can come out (p, br, ul, ol, li, strong, em, a with an http(s)/mailto/tel
   * href), so bot or user text can never inject markup or script.
   */
  function renderMarkdown(text) {
    // NUL is the placeholder delimiter of renderInline: it must not come from the text.
    var lines = escapeHtml(String(text).replace(/\u0000/g, ""))
      .replace(/\r\n?/g, "\n")
      .split("\n");
    var html = [];
    var paragraph = [];
    var list = null;

    function flushParagraph() {
      if (paragraph.length) {
        html.push("<p>" + paragraph.map(renderInline).join("<br>") + "</p>");
        paragraph = [];
      }
    }
    function flushList() {
      if (list) {
        html.push(
          "<" + list.tag + ">" +
          list.items.map(function (item) {
            return "<li>" + renderInline(item) + "</li>";
          }).join("") +
          "</" + list.tag + ">"
        );
        list = null;
      }
    }

    lines.forEach(function (line) {
      var bullet = /^\s*(?:[-*•])\s+(.*)$/.exec(line);
      var numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      var item = bullet || numbered;
      if (item) {
        var tag = bullet ? "ul" : "ol";
        flushParagraph();
        if (list && list.tag !== tag) flushList();
        if (!list) list = { tag: tag, items: [] };
        list.items.push(item[1]);
      } else if (line.trim() === "") {
        flushParagraph();
        flushList();
      } else if (list && /^\s{2,}\S/.test(line)) {
        list.items[list.items.length - 1] += " " + line.trim();
      } else {
        flushList();
        paragraph.push(line);
      }
    });
    flushParagraph();
    flushList();
    return html.join("");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // ---------------------------------------------------------------- storage

  var storageKey = "coordo-webchat:" + STORAGE_VERSION + ":" + config.serverUrl;
  var memoryStore = {};
  var store = (function () {
    try {
      var s = config.storage === "local" ? window.localStorage : window.sessionStorage;
      s.setItem(storageKey + ":probe", "1");
      s.removeItem(storageKey + ":probe");
      return s;
    } catch (e) {
      // Storage disabled (private mode, policies): the conversation lives in memory only.
      return {
        getItem: function (k) { return memoryStore[k] || null; },
        setItem: function (k, v) { memoryStore[k] = v; },
        removeItem: function (k) { delete memoryStore[k]; },
      };
    }
  })();

  function freshState() {
    return { sessionId: null, messages: [], nextId: 1, open: false, greeted: false };
  }

  function loadState() {
    try {
      var saved = JSON.parse(store.getItem(storageKey) || "null");
      if (saved && Array.isArray(saved.messages)) {
        saved.messages.forEach(function (m) {
          // The page was left while waiting: the answer went to a closed socket.
          if (m.status === "sending") m.status = "failed";
        });
        return saved;
      }
    } catch (e) {
      /* corrupted entry: start afresh */
    }
    return freshState();
  }

  var state = loadState();

  function save() {
    if (state.messages.length > MAX_KEPT_MESSAGES) {
      state.messages = state.messages.slice(-MAX_KEPT_MESSAGES);
    }
    try {
      store.setItem(storageKey, JSON.stringify(state));
    } catch (e) {
      /* quota exceeded: keep going with what is on screen */
    }
  }

  // ---------------------------------------------------------------- DOM

  var theme = themeFor(config.primaryColor);
  var host = el("div", { id: "coordo-webchat", "data-coordo-webchat": "" });
  host.style.setProperty("visibility", "hidden");
  var root = host.attachShadow({ mode: "open" });
  var stylesheet = el("link", { rel: "stylesheet", href: new URL("webchat.css", config.assetsBase).href });
  stylesheet.addEventListener("load", function () { host.style.removeProperty("visibility"); });
  stylesheet.addEventListener("error", function () { host.style.removeProperty("visibility"); });

  var launcher = el("button", {
    type: "button",
    class: "cw-launcher",
    "aria-expanded": "false",
    "aria-controls": "cw-panel",
    title: TEXT.launcherHint,
  }, [
    svgIcon(),
    el("span", { text: config.launcherLabel }),
  ]);

  var titleEl = el("h2", { id: "cw-title", class: "cw-title", text: config.title });
  var restartBtn = el("button", { type: "button", class: "cw-restart", text: TEXT.restart });
  var closeBtn = el("button", { type: "button", class: "cw-close", "aria-label": TEXT.close }, [
    el("span", { "aria-hidden": "true", text: "×" }),
  ]);
  var privacyLink = el("a", { href: config.privacyUrl, target: "_blank", rel: "noopener" }, [
    TEXT.privacy,
    el("span", { class: "cw-sr", text: TEXT.newTab }),
  ]);
  var notice = el("p", { class: "cw-notice", id: "cw-notice" }, [TEXT.notice + " ", privacyLink, "."]);

  var statusText = el("span", { class: "cw-status-text", role: "status" });
  var retryBtn = el("button", { type: "button", class: "cw-retry", text: TEXT.retry, hidden: true });
  var statusBar = el("div", { class: "cw-status" }, [statusText, retryBtn]);

  var log = el("div", {
    class: "cw-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": TEXT.logLabel,
    tabindex: "0",
  });
  var typing = el("div", { class: "cw-typing", hidden: true }, [
    el("span", { class: "cw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    el("span", { class: "cw-sr", text: TEXT.typing }),
  ]);
  var typingLive = el("div", { class: "cw-sr", role: "status" });

  var input = el("textarea", {
    id: "cw-input",
    class: "cw-input",
    rows: "1",
    maxlength: String(MAX_INPUT_CHARS),
    placeholder: TEXT.placeholder,
    "aria-describedby": "cw-hint",
    autocomplete: "off",
  });
  var sendBtn = el("button", { type: "submit", class: "cw-send", text: TEXT.send });
  var form = el("form", { class: "cw-form" }, [
    el("label", { for: "cw-input", class: "cw-sr", text: TEXT.inputLabel }),
    input,
    el("span", { id: "cw-hint", class: "cw-sr", text: TEXT.inputHint }),
    sendBtn,
  ]);

  var panel = el("section", {
    id: "cw-panel",
    class: "cw-panel",
    role: "dialog",
    "aria-labelledby": "cw-title",
    "aria-describedby": "cw-notice",
    hidden: true,
  }, [
    el("div", { class: "cw-header" }, [titleEl, restartBtn, closeBtn]),
    notice,
    statusBar,
    log,
    typing,
    typingLive,
    form,
  ]);

  var container = el("div", { class: "cw" }, [launcher, panel]);
  container.style.setProperty("--cw-primary", theme.primary);
  container.style.setProperty("--cw-on-primary", theme.onPrimary);
  container.style.setProperty("--cw-accent", theme.accent);
  root.appendChild(stylesheet);
  root.appendChild(container);

  function svgIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "22");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z"
    );
    svg.appendChild(path);
    return svg;
  }

  // ---------------------------------------------------------------- rendering

  var nodes = {}; // message id -> element

  function repliesActive(index) {
    // Suggestions stay usable until the user says something after them.
    for (var i = index + 1; i < state.messages.length; i++) {
      if (state.messages[i].from === "user") return false;
    }
    return true;
  }

  function messageNode(msg, index) {
    var bubble = el("div", { class: "cw-bubble" });
    if (msg.from === "bot") {
      bubble.innerHTML = renderMarkdown(msg.text || "");
      if (msg.image) {
        bubble.appendChild(el("img", { src: msg.image, alt: TEXT.image, class: "cw-image" }));
      }
    } else {
      bubble.textContent = msg.text;
    }
    var node = el("div", { class: "cw-msg cw-msg--" + msg.from, "data-id": String(msg.id) }, [
      el("span", { class: "cw-sr", text: msg.from === "user" ? TEXT.you : TEXT.bot }),
      bubble,
    ]);
    if (msg.from === "bot" && msg.replies && msg.replies.length && repliesActive(index)) {
      var group = el("div", { class: "cw-replies", role: "group", "aria-label": TEXT.suggestions });
      msg.replies.forEach(function (reply) {
        var button = el("button", { type: "button", class: "cw-reply", text: reply.title });
        button.addEventListener("click", function () {
          send(reply.payload, reply.title);
          input.focus();
        });
        group.appendChild(button);
      });
      node.appendChild(group);
    }
    if (msg.from === "user") {
      node.appendChild(statusNode(msg));
    }
    return node;
  }

  function statusNode(msg) {
    var box = el("div", { class: "cw-msg-status" });
    if (msg.status === "pending") {
      box.appendChild(el("span", { text: TEXT.pending }));
    } else if (msg.status === "failed") {
      box.appendChild(el("span", { text: TEXT.failed + " " }));
      var again = el("button", { type: "button", class: "cw-resend", text: TEXT.resend });
      again.addEventListener("click", function () {
        deliver(msg);
        input.focus();
      });
      box.appendChild(again);
    }
    return box;
  }

  function refreshStatus(msg) {
    var node = nodes[msg.id];
    if (!node) return;
    var old = node.querySelector(".cw-msg-status");
    if (old) node.replaceChild(statusNode(msg), old);
  }

  function dropStaleReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".cw-replies"), function (group) {
      group.remove();
    });
  }

  function renderAll() {
    log.textContent = "";
    nodes = {};
    state.messages.forEach(function (msg, index) {
      nodes[msg.id] = messageNode(msg, index);
      log.appendChild(nodes[msg.id]);
    });
    scrollToEnd();
  }

  function addMessage(msg) {
    msg.id = state.nextId++;
    if (msg.from === "user") dropStaleReplies();
    state.messages.push(msg);
    save();
    nodes[msg.id] = messageNode(msg, state.messages.length - 1);
    log.appendChild(nodes[msg.id]);
    scrollToEnd();
    return msg;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // ---------------------------------------------------------------- connection

  var socket = null;
  var confirmed = false;
  var wasOffline = false;
  var generation = 0; // bumps on restart so late acks of the old conversation are ignored
  var inFlight = 0;

  function setTyping(on) {
    typing.hidden = !on;
    typingLive.textContent = on ? TEXT.typing : "";
    if (on) scrollToEnd();
  }

  function setConnection(kind) {
    retryBtn.hidden = kind !== "offline";
    statusBar.className = "cw-status cw-status--" + kind;
    if (kind === "offline") {
      var queued = state.messages.some(function (m) { return m.status === "pending"; });
      statusText.textContent = queued ? TEXT.offlineQueued : TEXT.offline;
      wasOffline = true;
    } else if (kind === "online") {
      if (wasOffline) statusText.textContent = TEXT.online;
      else if (statusText.textContent === TEXT.connecting) statusText.textContent = "";
      wasOffline = false;
    } else if (kind === "connecting") {
      statusText.textContent = TEXT.connecting;
    } else {
      statusText.textContent = "";
    }
  }

  function loadSocketIo(callback) {
    if (window.io && typeof window.io === "function" && window.io.protocol === 5) {
      callback();
      return;
    }
    var tag = document.createElement("script");
    tag.src = new URL("socket.io.min.js", config.assetsBase).href;
    tag.onload = callback;
    tag.onerror = function () { setConnection("offline"); };
    document.head.appendChild(tag);
  }

  function connect() {
    if (socket) {
      if (!socket.connected) socket.connect();
      return;
    }
    setConnection("connecting");
    loadSocketIo(function () {
      if (socket) return;
      socket = window.io(config.serverUrl, {
        path: config.socketPath,
        autoConnect: false,
        reconnectionDelayMax: 10000,
      });
      socket.on("connect", function () {
        socket.emit("session_request", { session_id: state.sessionId });
      });
      socket.on("session_confirm", onSessionConfirm);
      socket.on("bot_uttered", onBotUttered);
      socket.on("connect_error", function () {
        confirmed = false;
        setConnection("offline");
      });
      socket.on("disconnect", function (reason) {
        confirmed = false;
        if (reason === "io client disconnect") return;
        setConnection("offline");
        if (reason === "io server disconnect") socket.connect();
      });
      socket.connect();
    });
  }

  function reconnectNow() {
    if (!socket) {
      connect();
      return;
    }
    setConnection("connecting");
    socket.disconnect();
    socket.connect();
  }

  function onSessionConfirm(data) {
    var id = typeof data === "string" ? data : data && data.session_id;
    if (!id) return;
    state.sessionId = id;
    confirmed = true;
    save();
    setConnection("online");
    state.messages.forEach(function (m) {
      if (m.status === "pending") deliver(m);
    });
    if (!state.greeted && state.messages.length === 0 && config.initialPayload) {
      state.greeted = true;
      save();
      emitTurn(config.initialPayload, null);
    }
  }

  function normaliseReplies(data) {
    var raw = Array.isArray(data.quick_replies) ? data.quick_replies : Array.isArray(data.buttons) ? data.buttons : [];
    return raw
      .filter(function (r) { return r && typeof r.title === "string"; })
      .map(function (r) {
        return { title: r.title, payload: typeof r.payload === "string" ? r.payload : r.title };
      });
  }

  function onBotUttered(data) {
    if (!data || typeof data !== "object") return;
    var text = typeof data.text === "string" ? data.text : "";
    var replies = normaliseReplies(data);
    var image = null;
    var attachment = data.attachment;
    if (attachment && attachment.type === "image" && attachment.payload &&
        /^https?:\/\//i.test(String(attachment.payload.src || ""))) {
      image = String(attachment.payload.src);
    }
    if (!text && !replies.length && !image) return;
    addMessage({ from: "bot", text: text, replies: replies, image: image });
    if (inFlight > 0) setTyping(true); // keep the indicator below the newest message
  }

  function emitTurn(payload, msg) {
    var gen = generation;
    inFlight += 1;
    setTyping(true);
    socket.timeout(TURN_TIMEOUT_MS).emit(
      "user_uttered",
      { message: payload, session_id: state.sessionId },
      function (err) {
        if (gen !== generation) return;
        inFlight = Math.max(0, inFlight - 1);
        if (inFlight === 0) setTyping(false);
        if (msg) {
          msg.status = err ? "failed" : "sent";
          save();
          refreshStatus(msg);
        }
      }
    );
  }

  function deliver(msg) {
    if (!socket || !confirmed) {
      msg.status = "pending";
      save();
      refreshStatus(msg);
      if (!socket) connect();
      else setConnection(socket.connected ? "connecting" : "offline");
      return;
    }
    msg.status = "sending";
    save();
    refreshStatus(msg);
    emitTurn(msg.payload, msg);
  }

  function send(payload, shownText) {
    var msg = addMessage({ from: "user", text: shownText, payload: payload, status: "pending" });
    deliver(msg);
  }

  // ---------------------------------------------------------------- panel

  function open(focus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    scrollToEnd();
    connect();
    if (focus !== false) input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  function restart() {
    generation += 1;
    inFlight = 0;
    setTyping(false);
    var wasOpen = state.open;
    state = freshState();
    state.open = wasOpen;
    save();
    renderAll();
    confirmed = false;
    if (socket) {
      setConnection("connecting");
      socket.disconnect();
      socket.connect(); // session_request without id: Rasa opens a new conversation
    } else {
      connect();
    }
    statusText.textContent = TEXT.restarted;
    input.focus();
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }

  launcher.addEventListener("click", function () { open(true); });
  closeBtn.addEventListener("click", close);
  restartBtn.addEventListener("click", restart);
  retryBtn.addEventListener("click", reconnectNow);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("input", autosize);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    send(text, text);
    input.value = "";
    autosize();
    input.focus();
  });

  function mount() {
    document.body.appendChild(host);
    renderAll();
    if (state.open) open(false);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.CoordoWebchat = {
    open: function () { open(true); },
    close: close,
    restart: restart,
    send: function (text) { send(String(text), String(text)); },
    renderMarkdown: renderMarkdown,
  };
})();
