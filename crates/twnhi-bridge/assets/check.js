// 檢測健保卡認證 NHI Card Check — the bridge's environment check page.
// Talks to the bridge it was served by: the legacy protocol on /echo (as pages written for the
// official component do) and the JSON protocol on /v1/ws. Card data is only ever set with
// textContent, never parsed as HTML.
"use strict";

(function () {
  var MESSAGES = {
    "4061": ["無法連線到健保卡元件", "the card component cannot be reached"],
    "7001": ["讀卡機服務（PC/SC）未啟動", "the smart-card service (PC/SC) is not running"],
    "7002": ["找不到讀卡機", "no card reader found"],
    "7003": ["無法存取讀卡機", "the card reader cannot be accessed"],
    "7004": ["未插入健保卡", "no card inserted"],
    "8001": ["讀卡失敗", "card read failed"],
    "8002": ["讀卡過程中健保卡被移除", "the card was removed during the read"],
    "8003": ["健保卡認證傳輸錯誤（取得亂數）", "card authentication error (challenge)"],
    "8004": ["健保卡認證傳輸錯誤", "card authentication error"],
    "8005": ["無法讀取卡片識別碼", "the card id cannot be read"],
    "8006": ["健保卡認證失敗", "card authentication failed"],
    "8010": ["基本資料讀取失敗", "basic data read failed"],
    "8011": ["基本資料格式錯誤", "basic data is malformed"],
    "8013": ["無法存取健保卡（不是健保卡或被其他程式占用）", "cannot access the card (not an NHI card, or in use)"],
    "8201": ["元件不支援此功能", "not supported by this component"],
    "9999": ["無法辨識的指令", "unknown command"]
  };

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

  function describeCode(code) {
    var m = MESSAGES[code] || ["錯誤", "error"];
    return [m[0] + "（錯誤碼 " + code + "）", m[1] + " (error " + code + ")"];
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
      say($("status"), "伺服器連線正常", "Connected to server", "good");
    } else {
      say($("status"), "伺服器連線 失敗", "Connection to server failed", "bad");
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
      var sex = f[4] === "M" ? "男 M" : (f[4] === "F" ? "女 F" : f[4]);
      say($("reply"),
        "讀取成功：卡號 " + f[0] + "，身分證號 " + f[1] + "，姓名 " + f[2] + "，出生日期 " + f[3] + "，性別 " + sex,
        "Read: card " + f[0] + ", ID " + f[1] + ", name " + f[2] + ", born (ROC) " + f[3], "good");
      return;
    }
    if (/^\d{4}$/.test(text)) {
      var m = describeCode(text);
      say($("reply"), m[0], m[1], "bad");
      return;
    }
    say($("reply"), text, "");
  }

  function showReaders(readers) {
    if (!readers.length) { say($("reader"), "找不到讀卡機", "no card reader", "bad"); return; }
    var zh = [], en = [];
    readers.forEach(function (r) {
      var card = r.card_present ? (r.card_kind === "nhi" ? "健保卡" : "其他卡片") : "無卡";
      var cardEn = r.card_present ? (r.card_kind === "nhi" ? "NHI card" : "other card") : "no card";
      zh.push(r.name + "（" + card + "）");
      en.push(r.name + " (" + cardEn + ")");
    });
    say($("reader"), zh.join("；"), en.join("; "));
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
      say($("supported"), "✔ 支援", "supported", "good");
    } else {
      say($("supported"), "✘ 不支援，請改用其他瀏覽器", "not supported: use another browser", "bad");
      setStatus(false);
    }
    $("read").addEventListener("click", function () {
      if (!legacy || legacy.readyState !== 1) { var m = describeCode("4061"); say($("reply"), m[0], m[1], "bad"); return; }
      say($("reply"), "讀取中…", "reading…");
      legacy.send("GetBasic");
    });
    $("verify").addEventListener("click", function () {
      say($("reply"), "驗證中…", "verifying…");
      request("challenge", {}, function (res, err) {
        if (err) { var m = describeCode(String(err.code)); say($("reply"), m[0], m[1], "bad"); return; }
        say($("reply"),
          "健保卡回應認證挑戰（卡號 " + res.card_no + "，亂數 " + res.rc + "）。完整的卡片驗證由網站伺服器完成。",
          "The card answers the authentication challenge (card " + res.card_no + "). The site's server completes the verification.",
          "good");
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
