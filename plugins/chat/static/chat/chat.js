// The live part of a chat room: one websocket, reconnecting with backoff, no build step.
// The page works without it (messages render on the server, the form posts); this module
// adds live messages, presence, typing, editing and deleting, and announces new messages
// to screen readers through a polite live region.
//
// Message HTML comes from the server, already escaped (plugins/chat/formatting.py); raw text
// is only ever put into a textarea's value, never into innerHTML.

const root = document.getElementById("chat");
const strings = JSON.parse(document.getElementById("chat-strings").textContent);

const CLOSE_FINAL = new Set([4401, 4403, 4404]);
const MAX_BACKOFF_MS = 30000;
const PING_MS = 25000;
const TYPING_MS = 3000;

function fmt(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}

class ChatRoom {
  constructor(el) {
    this.el = el;
    this.roomId = el.dataset.room;
    this.userId = Number(el.dataset.user);
    this.lang = el.dataset.lang || document.documentElement.lang;
    this.moderator = el.dataset.moderator === "1";
    this.lastId = Number(el.dataset.lastId || 0);
    this.log = el.querySelector("#chat-log");
    this.status = el.querySelector("#chat-status");
    this.announcer = el.querySelector("#chat-announcer");
    this.typingEl = el.querySelector("#chat-typing");
    this.online = el.querySelector("#chat-online");
    this.form = el.querySelector("#composer");
    this.text = el.querySelector("#chat-text");
    this.error = el.querySelector("#chat-error");
    this.sendButton = el.querySelector("#chat-send");
    this.cancelEdit = el.querySelector("#chat-cancel-edit");
    this.olderLink = el.querySelector(".chat__older");
    this.attempt = 0;
    this.editing = null;
    this.final = false;
    this.pending = new Map();
    this.people = new Map();
    this.timeFormat = new Intl.DateTimeFormat(this.lang, { dateStyle: "medium", timeStyle: "short" });
    this.log.querySelectorAll(".chat-message").forEach((li) => this.decorate(li));
    this.bind();
    this.connect();
    this.scrollToEnd();
  }

  bind() {
    if (this.form) {
      this.form.addEventListener("submit", (event) => {
        if (!this.isOpen()) return; // no socket: the form posts the ordinary way
        event.preventDefault();
        this.submit();
      });
      this.text.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.form.requestSubmit();
        } else if (event.key === "Escape" && this.editing) {
          this.stopEditing();
        }
      });
      this.text.addEventListener("input", () => this.typing());
      this.cancelEdit.addEventListener("click", () => this.stopEditing());
    }
    if (this.olderLink) {
      this.olderLink.addEventListener("click", (event) => {
        if (!this.isOpen()) return;
        event.preventDefault();
        this.send({ type: "history", before: Number(this.olderLink.dataset.before) });
      });
    }
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.markRead();
    });
  }

  isOpen() {
    return this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.el.dataset.live !== "1") return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}/ws/chat/rooms/${this.roomId}/?after=${this.lastId}&lang=${encodeURIComponent(this.lang)}`;
    this.setStatus(strings.connecting);
    this.socket = new WebSocket(url);
    this.socket.addEventListener("message", (event) => this.onMessage(JSON.parse(event.data)));
    this.socket.addEventListener("close", (event) => this.onClose(event));
  }

  onClose(event) {
    clearInterval(this.pinger);
    if (this.final || CLOSE_FINAL.has(event.code)) {
      this.final = true;
      this.setStatus(strings.closed);
      if (this.form) this.form.hidden = true;
      return;
    }
    // Exponential backoff with jitter, so a restarted server is not hit by everyone at once.
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    this.setStatus(fmt(strings.reconnecting, { seconds: Math.ceil(delay / 1000) }));
    setTimeout(() => this.connect(), delay);
  }

  send(payload) {
    if (this.isOpen()) this.socket.send(JSON.stringify(payload));
  }

  onMessage(data) {
    switch (data.type) {
      case "hello":
        this.attempt = 0;
        this.moderator = data.moderator;
        this.setStatus(strings.connected);
        clearInterval(this.pinger);
        this.pinger = setInterval(() => this.send({ type: "ping" }), PING_MS);
        break;
      case "message":
        this.addMessage(data.message, true);
        break;
      case "update":
        this.addMessage(data.message, false);
        break;
      case "history":
        this.prependHistory(data.messages, data.complete);
        break;
      case "presence":
        if (data.online) {
          this.people = new Map(data.online.map((p) => [p.id, p.name]));
        } else if (data.joined) {
          this.people.set(data.joined.id, data.joined.name);
        } else if (data.left !== undefined) {
          this.people.delete(data.left);
        }
        this.showPresence();
        break;
      case "typing":
        this.showTyping(data.user);
        break;
      case "error":
        this.showError(data);
        break;
      case "closed":
        this.final = true;
        this.setStatus(data.reason);
        break;
      default:
        break;
    }
  }

  submit() {
    const text = this.text.value.trim();
    if (!text) return;
    this.error.textContent = "";
    if (this.editing) {
      this.send({ type: "edit", id: this.editing, text });
      this.stopEditing();
      return;
    }
    const clientId = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    this.pending.set(clientId, text);
    this.send({ type: "send", text, client_id: clientId });
    this.text.value = "";
  }

  showError(data) {
    this.error.textContent = data.message;
    // Give the text back, so a refused message (too fast, too long) is not lost.
    if (data.client_id && this.pending.has(data.client_id) && !this.text.value) {
      this.text.value = this.pending.get(data.client_id);
    }
    this.pending.delete(data.client_id);
  }

  typing() {
    const now = Date.now();
    if (!this.lastTyping || now - this.lastTyping > TYPING_MS) {
      this.lastTyping = now;
      this.send({ type: "typing" });
    }
  }

  showTyping(user) {
    this.typingEl.textContent = fmt(strings.typing, { name: user.name });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typingEl.textContent = "";
    }, TYPING_MS + 500);
  }

  showPresence() {
    this.online.replaceChildren();
    const others = [...this.people]
      .filter(([id]) => id !== this.userId)
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name, this.lang));
    if (!others.length) {
      const li = document.createElement("li");
      li.className = "meta";
      li.textContent = strings.nobody;
      this.online.append(li);
    }
    for (const person of others) {
      const li = document.createElement("li");
      li.textContent = person.name;
      this.online.append(li);
    }
  }

  setStatus(text) {
    this.status.textContent = text;
  }

  build(message) {
    const li = document.createElement("li");
    li.className = "chat-message";
    li.id = `message-${message.id}`;
    li.dataset.id = message.id;
    li.dataset.author = message.author.id;
    li.dataset.text = message.text;
    if (message.author.id === this.userId) li.classList.add("chat-message--own");
    const meta = document.createElement("p");
    meta.className = "chat-message__meta";
    const author = document.createElement("strong");
    author.className = "chat-message__author";
    author.dir = "auto";
    author.textContent = message.author.name;
    const time = document.createElement("time");
    time.dateTime = message.created;
    time.textContent = this.timeFormat.format(new Date(message.created));
    meta.append(author, " ", time);
    if (message.edited && !message.deleted) {
      const edited = document.createElement("span");
      edited.className = "chat-message__edited";
      edited.textContent = ` (${strings.edited})`;
      meta.append(edited);
    }
    li.append(meta);
    if (message.deleted) {
      const body = document.createElement("p");
      body.className = "chat-message__body chat-message__body--deleted";
      body.textContent = strings.deleted;
      li.append(body);
    } else {
      const body = document.createElement("div");
      body.className = "chat-message__body";
      body.dir = "auto";
      body.innerHTML = message.html; // escaped on the server
      li.append(body);
      const actions = document.createElement("p");
      actions.className = "chat-message__actions";
      const report = document.createElement("a");
      report.href = `${this.reportBase()}${message.id}/report/`;
      report.textContent = strings.report;
      actions.append(report);
      li.append(actions);
      this.decorate(li);
    }
    return li;
  }

  reportBase() {
    // /chat/messages/<id>/report/ under the page's language prefix
    const path = location.pathname.replace(/\/\d+\/?$/, "/");
    return `${path}messages/`;
  }

  decorate(li) {
    const actions = li.querySelector(".chat-message__actions");
    if (!actions || actions.dataset.decorated) return;
    actions.dataset.decorated = "1";
    const id = Number(li.dataset.id);
    const own = Number(li.dataset.author) === this.userId;
    const author = li.querySelector(".chat-message__author")?.textContent || "";
    const makeButton = (label, handler) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = label;
      button.setAttribute("aria-label", `${label}: ${author}, ${li.querySelector("time")?.textContent || ""}`);
      button.addEventListener("click", handler);
      actions.append(" ", button);
    };
    if (own) {
      makeButton(strings.edit, () => this.startEditing(id, li.dataset.text));
    }
    if (own || this.moderator) {
      makeButton(strings.delete, () => {
        if (window.confirm(strings.confirmDelete)) this.send({ type: "delete", id });
      });
    }
  }

  startEditing(id, text) {
    this.editing = id;
    this.text.value = text;
    this.sendButton.textContent = strings.save;
    this.cancelEdit.hidden = false;
    this.text.focus();
  }

  stopEditing() {
    this.editing = null;
    this.text.value = "";
    this.sendButton.textContent = strings.send;
    this.cancelEdit.hidden = true;
  }

  addMessage(message, isNew) {
    const existing = this.log.querySelector(`#message-${message.id}`);
    const li = this.build(message);
    if (existing) {
      existing.replaceWith(li);
    } else if (isNew) {
      this.log.querySelector(".chat-log__empty")?.remove();
      // keep id order even when a broadcast overtakes a backfilled message
      const later = [...this.log.children].find((el) => Number(el.dataset.id) > message.id);
      const atEnd = this.nearEnd();
      this.log.insertBefore(li, later || null);
      if (message.id > this.lastId) this.lastId = message.id;
      if (message.client_id) this.pending.delete(message.client_id);
      if (message.author.id !== this.userId) this.announce(message);
      if (atEnd || message.author.id === this.userId) this.scrollToEnd();
      this.markRead();
    }
  }

  prependHistory(messages, complete) {
    const first = this.log.firstElementChild;
    for (const message of messages) {
      if (!this.log.querySelector(`#message-${message.id}`)) {
        this.log.insertBefore(this.build(message), first);
      }
    }
    if (complete || !messages.length) {
      const note = document.createElement("p");
      note.className = "meta";
      note.textContent = strings.noOlder;
      this.olderLink.replaceWith(note);
    } else {
      this.olderLink.dataset.before = messages[0].id;
    }
  }

  announce(message) {
    const text = message.deleted ? strings.deleted : message.text;
    const line = document.createElement("p");
    line.textContent = fmt(strings.newMessage, { name: message.author.name, text });
    this.announcer.append(line);
    // keep the region short: screen readers read additions, not the whole history
    while (this.announcer.childElementCount > 5) this.announcer.firstElementChild.remove();
  }

  nearEnd() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  scrollToEnd() {
    if (location.hash) return;
    this.log.lastElementChild?.scrollIntoView({ block: "end" });
  }

  markRead() {
    if (document.visibilityState !== "visible" || !this.lastId) return;
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.send({ type: "read", id: this.lastId }), 500);
  }
}

if (root) {
  window.treffpunktChat = new ChatRoom(root);
}
