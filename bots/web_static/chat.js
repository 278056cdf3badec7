"use strict";
(() => {
  // One pane per role (customer, worker, admin), all kept in the page: switching tabs only
  // shows another pane, so each keeps its history, and one poll brings every role's notices
  // (a hidden pane's tab counts what arrived there).
  const ROLES = ["customer", "worker", "admin"];
  const input = document.getElementById("input");
  const panes = {};
  for (const role of ROLES) {
    const tab = document.getElementById(`tab-${role}`);
    panes[role] = {
      log: document.getElementById(`pane-${role}`),
      tab,
      badge: tab.querySelector(".unread"),
      unread: 0,
      started: false,
    };
  }
  let active = "customer";
  // The page speaks the browser's language (the bot starts in it too: the "lang" hint):
  // Chinese unless the browser asks for English; elements carry their English in data-en.
  const EN = (navigator.language || "").toLowerCase().startsWith("en");
  const L = (zh, en) => (EN ? en : zh);
  document.documentElement.lang = EN ? "en" : "zh-CN";
  if (EN) {
    document.title = document.body.dataset.enTitle || document.title;
    for (const el of document.querySelectorAll("[data-en]")) el.textContent = el.dataset.en;
    for (const el of document.querySelectorAll("[data-en-placeholder]")) el.placeholder = el.dataset.enPlaceholder;
  }
  for (const el of document.querySelectorAll("[data-only]")) el.hidden = el.dataset.only !== (EN ? "en" : "zh");
  if (document.body.dataset.demo !== "true") {
    for (const el of document.querySelectorAll("[data-demo-only]")) el.hidden = true;
  }
  let seq = 0;
  const newId = () => `${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  // The newest message and its buttons in view: the pane scrolls to its end once a reply is
  // drawn whole (and again when a photo in it has loaded and made it taller).
  function reveal(role) {
    const log = panes[role].log;
    if (!log.hidden) log.scrollTop = log.scrollHeight;
  }

  function note(role, text) {
    bubble(role, "note", text);
    reveal(role);
  }

  function bubble(role, cls, text) {
    const div = document.createElement("div");
    div.className = `msg ${cls}`;
    div.textContent = text;
    panes[role].log.appendChild(div);
    return div;
  }

  // A question is answered once one of its buttons is tapped or anything else is sent in its
  // pane: its buttons are greyed out and disabled, and a tap on them sends nothing.
  function spend(role) {
    for (const box of panes[role].log.querySelectorAll(".options:not(.spent)")) {
      box.classList.add("spent");
      for (const b of box.querySelectorAll("button")) b.disabled = true;
    }
  }

  function options(role, reply) {
    const box = document.createElement("div");
    box.className = "options";
    reply.options.forEach((opt, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.key = opt.key;
      if (reply.numbered) {
        // numbered as WeChat numbers them: typing the number chooses it too
        const n = document.createElement("span");
        n.className = "num";
        n.textContent = `${i + 1}. `;
        b.appendChild(n);
      }
      b.appendChild(document.createTextNode(opt.label));
      b.addEventListener("click", () => {
        if (b.disabled || box.classList.contains("spent")) return; // a stale tap
        send(role, { type: "choice", key: opt.key }, opt.label);
      });
      box.appendChild(b);
    });
    return box;
  }

  function link(url, label, cls) {
    const a = document.createElement("a");
    a.href = url; a.textContent = label; a.className = cls; a.target = "_blank"; a.rel = "noopener";
    return a;
  }

  function render(role, reply) {
    if (reply.type === "text") {
      bubble(role, "bot", reply.text);
    } else if (reply.type === "contact_request" || reply.type === "location_request") {
      const div = bubble(role, "bot", reply.type === "contact_request" ? reply.text : "");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "request";
      b.textContent = reply.type === "contact_request" ? L("📱 分享手机号", "📱 Share phone") : `📍 ${reply.text}`;
      b.addEventListener("click", () => document.getElementById(
        reply.type === "contact_request" ? "share-contact" : "share-location").click());
      div.appendChild(b);
    } else if (reply.type === "ask") {
      const div = bubble(role, "bot", reply.text);
      if (reply.options.length) div.appendChild(options(role, reply));
    } else if (reply.type === "link") {
      // a link without a text of its own (a notice's photo) is just the link
      const div = bubble(role, reply.text ? "bot" : "bot bare", reply.text ? `${reply.text} ` : "");
      div.appendChild(link(reply.url, reply.label, reply.text ? "pay" : "more"));
    } else if (reply.type === "photo") {
      const div = bubble(role, "bot", reply.caption || "");
      const img = document.createElement("img");
      img.src = reply.url; img.alt = reply.caption || L("照片", "photo"); img.style.maxWidth = "100%";
      img.addEventListener("load", () => reveal(role));
      div.appendChild(img);
    }
  }

  function show(role, replies) {
    if (!replies.length) return;
    replies.forEach((r) => render(role, r));
    if (role === active) {
      reveal(role);
    } else {
      const pane = panes[role];
      pane.unread += replies.length;
      pane.badge.textContent = String(pane.unread);
      pane.badge.hidden = false;
      pane.tab.setAttribute("aria-label", `${pane.tab.firstChild.textContent} (${pane.unread})`);
    }
  }

  async function send(role, message, echo) {
    spend(role);
    if (echo) { bubble(role, "me", echo); reveal(role); }
    const body = { ...message, role, id: newId(), lang: navigator.language || "" };
    try {
      const resp = await fetch("/web/api/send", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), credentials: "same-origin",
      });
      if (resp.status === 401) { note(role, L("会话已过期,请刷新页面", "Session expired, reload the page")); return; }
      if (!resp.ok) { note(role, L(`出错了 (${resp.status})`, `Something went wrong (${resp.status})`)); return; }
      show(role, (await resp.json()).replies);
    } catch (err) {
      note(role, L("网络错误,请重试", "Network error, try again"));
    }
    poll(); // what the turn told the other roles (a worker's offer, the customer's notice)
  }

  // One request brings every role's waiting notices; a poll asked for while one is under way
  // runs once it is done.
  let polling = null;
  let again = false;
  function poll() {
    if (polling) { again = true; return polling; }
    polling = (async () => {
      try {
        const resp = await fetch(`/web/api/poll?roles=${ROLES.join(",")}`, { credentials: "same-origin" });
        if (resp.ok) {
          const waiting = (await resp.json()).roles;
          for (const role of ROLES) show(role, waiting[role] || []);
        }
      } catch (err) { /* offline: try again next time */ }
      polling = null;
      if (again) { again = false; poll(); }
    })();
    return polling;
  }

  function open(role) {
    active = role;
    for (const r of ROLES) {
      const pane = panes[r];
      pane.tab.setAttribute("aria-selected", String(r === role));
      pane.log.hidden = r !== role;
    }
    const pane = panes[role];
    pane.unread = 0;
    pane.badge.hidden = true;
    pane.tab.removeAttribute("aria-label");
    if (!pane.started) {
      pane.started = true;
      // an invitation (?start=ref_CODE) comes with the customer's first /start
      const scene = role === "customer" ? new URLSearchParams(location.search).get("start") : null;
      const start = scene && /^ref_[A-Za-z0-9_-]{1,40}$/.test(scene) ? `/start ${scene}` : "/start";
      send(role, { type: "text", text: start });
    }
    reveal(role);
  }

  document.getElementById("composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(active, { type: "text", text }, text);
  });

  const dialog = document.getElementById("location-dialog");
  document.getElementById("share-location").addEventListener("click", () => dialog.showModal());
  document.getElementById("location-cancel").addEventListener("click", () => dialog.close());
  // typed coordinates are GCJ-02 (as WeChat's location picker gives them); the browser's
  // own position is WGS-84 (GPS), and says so: the server moves it onto the same map
  let datum = "gcj02";
  for (const id of ["lat", "lon"]) {
    document.getElementById(id).addEventListener("input", () => { datum = "gcj02"; });
  }
  document.getElementById("location-here").addEventListener("click", () => {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((pos) => {
      document.getElementById("lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("lon").value = pos.coords.longitude.toFixed(6);
      datum = "wgs84";
    });
  });
  document.getElementById("location-form").addEventListener("submit", () => {
    const lat = parseFloat(document.getElementById("lat").value);
    const lon = parseFloat(document.getElementById("lon").value);
    const label = document.getElementById("place").value;
    if (Number.isFinite(lat) && Number.isFinite(lon)) {
      send(active, { type: "location", lat, lon, label, datum }, `📍 ${label || `${lat}, ${lon}`}`);
    }
  });
  document.getElementById("share-contact").addEventListener("click", () => {
    const phone = window.prompt(L("手机号", "Phone number"));
    if (phone) send(active, { type: "contact", phone }, `📱 ${phone}`);
  });

  const photoInput = document.getElementById("photo-input");
  document.getElementById("share-photo").addEventListener("click", () => photoInput.click());
  photoInput.addEventListener("change", async () => {
    const file = photoInput.files[0];
    if (!file) return;
    const role = active;
    spend(role);
    bubble(role, "me", `📷 ${file.name}`);
    reveal(role);
    const form = new FormData();
    form.append("photo", file);
    form.append("lang", navigator.language || "");
    form.append("role", role);
    form.append("id", newId());
    photoInput.value = "";
    try {
      const resp = await fetch("/web/api/photo", { method: "POST", body: form, credentials: "same-origin" });
      // 415: not a photo we accept; the reply says which
      if (resp.status === 415) { show(role, (await resp.json()).replies); return; }
      if (!resp.ok) { note(role, L(`上传失败 (${resp.status})`, `Upload failed (${resp.status})`)); return; }
      show(role, (await resp.json()).replies);
    } catch (err) { note(role, L("网络错误", "Network error")); }
    poll();
  });

  for (const role of ROLES) panes[role].tab.addEventListener("click", () => open(role));

  open("customer");
  setInterval(poll, 3000);
})();
