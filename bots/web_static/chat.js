"use strict";
(() => {
  const log = document.getElementById("log");
  const input = document.getElementById("input");
  let role = "customer";
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
  let seq = 0;
  const newId = () => `${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  function bubble(cls, text) {
    const div = document.createElement("div");
    div.className = `msg ${cls}`;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function render(reply) {
    if (reply.type === "text") {
      bubble("bot", reply.text);
    } else if (reply.type === "contact_request" || reply.type === "location_request") {
      const div = bubble("bot", reply.type === "contact_request" ? reply.text : "");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "request";
      b.textContent = reply.type === "contact_request" ? L("📱 分享手机号", "📱 Share phone") : `📍 ${reply.text}`;
      b.addEventListener("click", () => document.getElementById(
        reply.type === "contact_request" ? "share-contact" : "share-location").click());
      div.appendChild(b);
    } else if (reply.type === "ask") {
      const div = bubble("bot", reply.text);
      if (reply.options.length) {
        const box = document.createElement("div");
        box.className = "options";
        for (const opt of reply.options) {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = opt.label;
          b.dataset.key = opt.key;
          b.addEventListener("click", () => {
            box.classList.add("spent");
            send({ type: "choice", key: opt.key }, opt.label);
          });
          box.appendChild(b);
        }
        div.appendChild(box);
      }
    } else if (reply.type === "link") {
      const div = bubble("bot", reply.text + " ");
      const a = document.createElement("a");
      a.href = reply.url; a.textContent = reply.label; a.className = "pay"; a.target = "_blank"; a.rel = "noopener";
      div.appendChild(a);
    } else if (reply.type === "photo") {
      const div = bubble("bot", reply.caption || "");
      const img = document.createElement("img");
      img.src = reply.url; img.alt = reply.caption || "photo"; img.style.maxWidth = "100%";
      div.appendChild(img);
    }
  }

  async function send(message, echo) {
    if (echo) bubble("me", echo);
    const body = { ...message, role, id: newId(), lang: navigator.language || "" };
    try {
      const resp = await fetch("/web/api/send", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), credentials: "same-origin",
      });
      if (resp.status === 401) { bubble("note", L("会话已过期,请刷新页面", "Session expired, reload the page")); return; }
      if (!resp.ok) { bubble("note", L(`出错了 (${resp.status})`, `Something went wrong (${resp.status})`)); return; }
      const data = await resp.json();
      data.replies.forEach(render);
    } catch (err) {
      bubble("note", L("网络错误,请重试", "Network error, try again"));
    }
  }

  async function poll() {
    try {
      const resp = await fetch(`/web/api/poll?role=${role}`, { credentials: "same-origin" });
      if (resp.ok) (await resp.json()).replies.forEach(render);
    } catch (err) { /* offline: try again next time */ }
  }

  document.getElementById("composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ type: "text", text }, text);
  });

  const dialog = document.getElementById("location-dialog");
  document.getElementById("share-location").addEventListener("click", () => dialog.showModal());
  document.getElementById("location-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("location-form").addEventListener("submit", () => {
    const lat = parseFloat(document.getElementById("lat").value);
    const lon = parseFloat(document.getElementById("lon").value);
    const label = document.getElementById("place").value;
    if (Number.isFinite(lat) && Number.isFinite(lon)) {
      send({ type: "location", lat, lon, label }, `📍 ${label || `${lat}, ${lon}`}`);
    }
  });
  document.getElementById("share-contact").addEventListener("click", () => {
    const phone = window.prompt(L("手机号", "Phone number"));
    if (phone) send({ type: "contact", phone }, `📱 ${phone}`);
  });

  const photoInput = document.getElementById("photo-input");
  document.getElementById("share-photo").addEventListener("click", () => photoInput.click());
  photoInput.addEventListener("change", async () => {
    const file = photoInput.files[0];
    if (!file) return;
    bubble("me", `📷 ${file.name}`);
    const form = new FormData();
    form.append("photo", file);
    form.append("lang", navigator.language || "");
    form.append("role", role);
    form.append("id", newId());
    photoInput.value = "";
    try {
      const resp = await fetch("/web/api/photo", { method: "POST", body: form, credentials: "same-origin" });
      if (!resp.ok) { bubble("note", L(`上传失败 (${resp.status})`, `Upload failed (${resp.status})`)); return; }
      (await resp.json()).replies.forEach(render);
    } catch (err) { bubble("note", L("网络错误", "Network error")); }
  });

  for (const tab of document.querySelectorAll(".roles button")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll(".roles button")) t.setAttribute("aria-selected", "false");
      tab.setAttribute("aria-selected", "true");
      role = tab.dataset.role;
      log.innerHTML = "";
      send({ type: "text", text: "/start" });
    });
  }

  send({ type: "text", text: "/start" });
  setInterval(poll, 3000);
})();
