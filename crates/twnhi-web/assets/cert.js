/*
 * The citizen certificate pages (manual §六): the login asks the local card component
 * (the bridge, JSON protocol /v1/ws) for the certificate card's signing certificate and its
 * signature over the site's challenge, then posts both to /cert/verify. The PIN goes in
 * the bridge's "sign" request only — never to the site. 行動裝置帳號申請 posts its form to
 * /cert/apply. No dependencies; texts come from the page (#cert-texts).
 */
(function () {
  'use strict';

  var body = document.body;
  var bridgeUrl = body.getAttribute('data-bridge') || 'ws://127.0.0.1:7777/v1/ws';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var texts = {};
  try { texts = JSON.parse(document.getElementById('cert-texts').textContent); } catch (e) { texts = {}; }
  function zh(id) { return (texts[id] || {}).zh || id; }
  function en(id) { return (texts[id] || {}).en || id; }

  function Failure(zhText, enText) { this.zh = zhText; this.en = enText; }
  function failure(id) { return new Failure(zh(id), en(id)); }

  /** Shows a bilingual message in the page's 系統訊息 box. */
  function show(box, kind, zhText, enText) {
    if (!box) { return; }
    box.className = 'system-message' + (kind ? ' ' + kind : '');
    box.setAttribute('data-kind', kind || '');
    box.textContent = '';
    var z = document.createElement('span');
    z.className = 'zh';
    z.textContent = zhText;
    var e = document.createElement('span');
    e.className = 'en';
    e.lang = 'en';
    e.textContent = enText;
    box.appendChild(z);
    box.appendChild(document.createElement('br'));
    box.appendChild(e);
    if (kind === 'error') {
      // The error summary: announced at once and focused, as on the card pages.
      box.setAttribute('role', 'alert');
      box.setAttribute('data-error-summary', '');
      box.setAttribute('tabindex', '-1');
      box.focus();
    } else {
      box.setAttribute('role', 'status');
      box.removeAttribute('data-error-summary');
    }
  }

  function hexToBase64(hex) {
    var s = '';
    for (var i = 0; i + 1 < hex.length; i += 2) {
      s += String.fromCharCode(parseInt(hex.substr(i, 2), 16));
    }
    return btoa(s);
  }

  function asciiToHex(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      out += ('0' + text.charCodeAt(i).toString(16)).slice(-2);
    }
    return out;
  }

  /** One request to the bridge on a connection of its own; resolves with its result. */
  function bridgeSession() {
    return new Promise(function (resolve, reject) {
      var ws;
      try { ws = new WebSocket(bridgeUrl); } catch (e) { reject(failure('site-js-unreachable')); return; }
      var nextId = 1;
      var pending = {};
      var ready = false;
      var timer = setTimeout(function () { fail(); }, 5000);
      function fail() {
        Object.keys(pending).forEach(function (id) { pending[id].rej(failure('site-js-unreachable')); });
        pending = {};
        if (!ready) { ready = true; clearTimeout(timer); reject(failure('site-js-unreachable')); }
        try { ws.close(); } catch (e) { /* closed */ }
      }
      ws.onerror = fail;
      ws.onclose = fail;
      ws.onmessage = function (ev) {
        var m;
        try { m = JSON.parse(ev.data); } catch (e) { return; }
        if (m.type === 'hello' && !ready) {
          ready = true;
          clearTimeout(timer);
          resolve({
            request: function (msg) {
              return new Promise(function (res, rej) {
                var id = nextId++;
                msg.id = id;
                pending[id] = { res: res, rej: rej };
                ws.send(JSON.stringify(msg));
              });
            },
            close: function () { ws.onclose = null; try { ws.close(); } catch (e) { /* closed */ } }
          });
          return;
        }
        if (m.id !== undefined && pending[m.id]) {
          var p = pending[m.id];
          delete pending[m.id];
          if (m.error) { p.rej(new Failure(m.error.message_zh, m.error.message_en)); } else { p.res(m.result); }
        }
      };
    });
  }

  function postJson(url, data) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(data || {})
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (json) {
        if (!resp.ok) {
          var e = json.error || {};
          throw new Failure(e.message_zh || zh('site-js-busy'), e.message_en || en('site-js-busy'));
        }
        return json;
      });
    });
  }

  /** The signing certificate: CKA_ID "SIGN" on MOICA cards, else the first that can sign. */
  function signingCertificate(list) {
    var certs = (list && list.certificates) || [];
    for (var i = 0; i < certs.length; i++) {
      if ((certs[i].id || '').toLowerCase() === '5349474e') { return certs[i]; }
    }
    for (var j = 0; j < certs.length; j++) {
      if (certs[j].schemes && certs[j].schemes.length) { return certs[j]; }
    }
    return null;
  }

  // ----- 自然人憑證登入 ---------------------------------------------------------------------
  var login = document.querySelector('[data-cert-login]');
  if (login) {
    var box = login.querySelector('[data-cert-message]');
    var idField = document.getElementById('cert-id-number');
    var birthField = document.getElementById('cert-birth-date');
    var pinField = document.getElementById('cert-pin');
    var submit = document.getElementById('cert-login-submit');
    login.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var idNumber = idField.value.trim().toUpperCase();
      var birth = birthField.value.trim();
      var pin = pinField.value;
      if (!idNumber || !birth || !pin) {
        show(box, 'error', zh('cert-fields-required'), en('cert-fields-required'));
        return;
      }
      show(box, 'info', zh('cert-working'), en('cert-working'));
      submit.disabled = true;
      var bridge = null;
      var cert = null;
      var challenge = null;
      bridgeSession().then(function (b) {
        bridge = b;
        return bridge.request({ type: 'certificates' });
      }).then(function (list) {
        cert = signingCertificate(list);
        if (!cert) { throw failure('cert-no-certificate'); }
        return postJson('/cert/challenge');
      }).then(function (c) {
        challenge = c.challenge;
        var msg = { type: 'sign', serial: cert.serial, data: asciiToHex(challenge), pin: pin };
        if (cert.schemes && cert.schemes.length) { msg.scheme = cert.schemes[0]; }
        pin = '';
        pinField.value = '';
        return bridge.request(msg);
      }).then(function (signed) {
        bridge.close();
        return postJson('/cert/verify', {
          challenge: challenge,
          chain: [hexToBase64(signed.certificate || cert.certificate)],
          signature: hexToBase64(signed.signature),
          scheme: signed.scheme,
          id_number: idNumber,
          birth_date: birth
        });
      }).then(function (answer) {
        window.location.assign(answer.next || '/mobile');
      }).catch(function (f) {
        if (bridge) { bridge.close(); }
        pin = '';
        pinField.value = '';
        submit.disabled = false;
        show(box, 'error', f.zh || zh('site-js-busy'), f.en || en('site-js-busy'));
      });
    });
  }

  // ----- 行動裝置帳號申請 / 續領申請 ----------------------------------------------------------
  var apply = document.querySelector('[data-cert-apply]');
  if (apply) {
    var applyBox = apply.querySelector('[data-cert-message]');
    apply.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var data = {};
      ['password', 'confirmation', 'phone_area', 'phone_number', 'phone_ext', 'mobile_area',
        'mobile_number', 'email', 'spare_email'].forEach(function (name) {
        var f = apply.elements[name];
        data[name] = f ? f.value : '';
      });
      var button = document.getElementById('cert-apply-submit');
      button.disabled = true;
      postJson('/cert/apply', data).then(function (answer) {
        apply.elements.password.value = '';
        apply.elements.confirmation.value = '';
        var parts = String(answer.text || '').split(' / ');
        show(applyBox, 'ok', parts[0], parts.slice(1).join(' / ') || parts[0]);
        applyBox.setAttribute('tabindex', '-1');
        applyBox.focus();
        applyBox.setAttribute('data-message', answer.message || '');
      }).catch(function (f) {
        show(applyBox, 'error', f.zh, f.en);
      }).then(function () {
        button.disabled = false;
      });
    });
  }
}());
