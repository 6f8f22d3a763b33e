// NHI Card Check — the bridge's environment check page.
// Talks to the bridge it was served by: the legacy protocol on /echo (as pages written for the
// official component do) and the JSON protocol on /v1/ws. Card data is only ever set with
// textContent, never parsed as HTML.
// The script holds no language: its texts come from the message catalog (bridge.ftl), which
// the page embeds as JSON in <script type="application/json" id="texts">, each id with its
// zh-TW and English text and the arguments written {name}.
"use strict";

(function () {
  var TEXTS = (function () {
    try { return JSON.parse(document.getElementById("texts").textContent); } catch (e) { return {}; }
  }());

  // The zh-TW and English texts of the catalog message `id`.
  function t(id) { return TEXTS[id] || [id, id]; }

  // Like t(id), with the arguments `{name}` replaced by args[name]: a value for both
  // languages, or a pair [zh-TW, English] such as another t(id).
  function fmt(id, args) {
    return t(id).map(function (s, lang) {
      return s.replace(/\{(\w+)\}/g, function (all, name) {
        if (!Object.prototype.hasOwnProperty.call(args, name)) { return all; }
        var v = args[name];
        return String(Array.isArray(v) ? v[lang] : v);
      });
    });
  }

  function $(id) { return document.getElementById(id); }

  // Replaces the content of `el` with text in both languages: zh, then English in a span.
  function say(el, zh, en, cls) {
    while (el.firstChild) { el.removeChild(el.firstChild); }
    var main = document.createElement("span");
    main.textContent = zh;
    if (cls) { main.className = cls; }
    el.appendChild(main);
    if (en) {
      var e = document.createElement("span");
      e.className = "en";
      e.textContent = en;
      el.appendChild(e);
    }
  }

  // Shows the pair of texts [zh-TW, English] in `el`.
  function show(el, texts, cls) { say(el, texts[0], texts[1], cls); }

  function describeCode(code) {
    var m = TEXTS["bridge-check-code-" + code] || t("bridge-check-code-other");
    return fmt("bridge-check-error", { message: m, code: code });
  }

  function browser() {
    var ua = navigator.userAgent, m;
    if ((m = ua.match(/Edg\/([\d.]+)/))) { return "Edge " + m[1]; }
    if ((m = ua.match(/OPR\/([\d.]+)/))) { return "Opera " + m[1]; }
    if ((m = ua.match(/Firefox\/([\d.]+)/))) { return "Firefox " + m[1]; }
    if ((m = ua.match(/(?:Chrome|Chromium)\/([\d.]+)/))) { return "Chrome " + m[1]; }
    if ((m = ua.match(/Version\/([\d.]+).*Safari/))) { return "Safari " + m[1]; }
    if ((m = ua.match(/(?:MSIE |rv:)([\d.]+).*Trident|Trident.*rv:([\d.]+)/))) { return "IE " + (m[1] || m[2]); }
    return ua;
  }

  function os() {
    var ua = navigator.userAgent;
    if (/Android/.test(ua)) { return "Android"; }
    if (/iPhone|iPad|iPod/.test(ua)) { return "iOS"; }
    if (/Windows/.test(ua)) { return "Windows"; }
    if (/CrOS/.test(ua)) { return "ChromeOS"; }
    if (/Mac OS X|Macintosh/.test(ua)) { return "Mac"; }
    if (/Linux/.test(ua)) { return "Linux"; }
    return navigator.platform || "—";
  }

  var base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
  var legacy = null;     // WebSocket to /echo
  var json = null;       // WebSocket to /v1/ws
  var nextId = 1;
  var pending = {};      // id -> callback
  var supported = typeof WebSocket === "function" && !/Trident|MSIE/.test(navigator.userAgent);

  function setStatus(ok) {
    if (ok) {
      show($("status"), t("bridge-check-connected"), "good");
    } else {
      show($("status"), t("bridge-check-disconnected"), "bad");
    }
  }

  function connectLegacy() {
    if (!supported) { return; }
    var ws = new WebSocket(base + "/echo");
    legacy = ws;
    ws.onopen = function () { ws.send("GetVersion"); };
    ws.onmessage = function (ev) {
      var text = String(ev.data);
      if (text === "GetVersion:0001") { setStatus(true); return; }
      showLegacyReply(text);
    };
    ws.onclose = function () {
      if (legacy === ws) { legacy = null; setStatus(false); setTimeout(connectLegacy, 3000); }
    };
  }

  function showLegacyReply(text) {
    if (text.indexOf("GetBasic:") === 0) {
      var f = text.substring(9).split(",");
      var sex = f[4] === "M" ? t("bridge-check-sex-m") : (f[4] === "F" ? t("bridge-check-sex-f") : f[4]);
      show($("reply"),
        fmt("bridge-check-basic", { card: f[0], id: f[1], name: f[2], birth: f[3], sex: sex }), "good");
      return;
    }
    if (/^\d{4}$/.test(text)) {
      show($("reply"), describeCode(text), "bad");
      return;
    }
    say($("reply"), text, "");
  }

  function showReaders(readers) {
    if (!readers.length) { show($("reader"), t("bridge-check-no-reader"), "bad"); return; }
    var zh = [], en = [];
    readers.forEach(function (r) {
      var card = r.card_present
        ? (r.card_kind === "nhi" ? t("bridge-check-card-nhi") : t("bridge-check-card-other"))
        : t("bridge-check-card-none");
      var line = fmt("bridge-check-reader-card", { reader: r.name, card: card });
      zh.push(line[0]);
      en.push(line[1]);
    });
    var sep = t("bridge-check-reader-separator");
    say($("reader"), zh.join(sep[0]), en.join(sep[1]));
  }

  function request(type, fields, done) {
    if (!json || json.readyState !== 1) { done(null, { code: 4061 }); return; }
    var id = nextId++;
    var msg = { id: id, type: type };
    Object.keys(fields || {}).forEach(function (k) { msg[k] = fields[k]; });
    pending[id] = done;
    json.send(JSON.stringify(msg));
  }

  function connectJson() {
    if (!supported) { return; }
    var ws = new WebSocket(base + "/v1/ws");
    json = ws;
    ws.onopen = function () {
      request("readers", {}, function (res) { if (res) { showReaders(res.readers); } });
    };
    ws.onmessage = function (ev) {
      var msg;
      try { msg = JSON.parse(String(ev.data)); } catch (e) { return; }
      if (msg.type === "event") {
        request("readers", {}, function (res) { if (res) { showReaders(res.readers); } });
        return;
      }
      var cb = pending[msg.id];
      if (cb) { delete pending[msg.id]; cb(msg.result || null, msg.error || null); }
    };
    ws.onclose = function () {
      if (json === ws) {
        json = null;
        Object.keys(pending).forEach(function (k) { pending[k](null, { code: 4061 }); });
        pending = {};
        setTimeout(connectJson, 3000);
      }
    };
  }

  function init() {
    say($("browser"), browser(), "");
    say($("os"), os(), "");
    if (supported) {
      show($("supported"), t("bridge-check-supported-yes"), "good");
    } else {
      show($("supported"), t("bridge-check-supported-no"), "bad");
      setStatus(false);
    }
    $("read").addEventListener("click", function () {
      if (!legacy || legacy.readyState !== 1) { show($("reply"), describeCode("4061"), "bad"); return; }
      show($("reply"), t("bridge-check-reading"));
      legacy.send("GetBasic");
    });
    $("verify").addEventListener("click", function () {
      show($("reply"), t("bridge-check-verifying"));
      request("challenge", {}, function (res, err) {
        if (err) { show($("reply"), describeCode(String(err.code)), "bad"); return; }
        show($("reply"), fmt("bridge-check-challenge", { card: res.card_no, rc: res.rc }), "good");
      });
    });
    $("clear").addEventListener("click", function () { say($("reply"), "", ""); });
    connectLegacy();
    connectJson();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
