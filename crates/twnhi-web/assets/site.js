/*
 * twnhi registration site — the only script of the site (served from /static/site.js; the
 * pages have no inline script, as the Content-Security-Policy demands).
 *
 * - Card authentication (SPEC §3): the page asks the site for a nonce, asks the local card
 *   component (the bridge, JSON protocol on /v1/ws) for the card's challenge, relays it to the
 *   site, which answers `au`; the bridge sends `au` to the card and returns `cr`, which the page
 *   posts back. The site then knows which card is in the reader; the name shown comes from the
 *   site's registry, never from the card.
 * - The password strength meter (the same rule as twnhi_account::password::Strength).
 * - County → township selects of the household registration address.
 * - The environment check (系統設定須知 / 檢測健保卡認證) and the login page's support status.
 *
 * The script holds no language: its texts come from the message catalog, embedded by every
 * page as JSON (`<script type="application/json" id="site-texts">`, ids `site-js-*` of
 * pages.ftl), `{"id": {"zh": …, "en": …}}`.
 */
(function () {
  'use strict';

  var TEXTS = (function () {
    var el = document.getElementById('site-texts');
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }());
  function zh(id) { return (TEXTS[id] || {}).zh || id; }
  function en(id) { return (TEXTS[id] || {}).en || id; }
  function both(id) { return zh(id) + ' ' + en(id); }

  var body = document.body;
  var bridgeUrl = body.getAttribute('data-bridge') || 'ws://127.0.0.1:7777/v1/ws';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  // ----- password strength (twnhi_account::password::Strength::of) ------------------------
  var SPECIAL = '~!@#$%^&*-';
  var LEVELS = ['weak', 'medium', 'medium-strong', 'strong'];
  var LEVEL_TEXT = {
    '': [zh('password-strength-none'), en('password-strength-none')],
    'weak': [zh('strength-weak'), en('strength-weak')],
    'medium': [zh('strength-medium'), en('strength-medium')],
    'medium-strong': [zh('strength-medium-strong'), en('strength-medium-strong')],
    'strong': [zh('strength-strong'), en('strength-strong')]
  };

  /** The meter level of a password: 'weak' | 'medium' | 'medium-strong' | 'strong'. */
  function strength(password) {
    var upper = false, lower = false, digit = false, special = false;
    var chars = Array.from(password);
    chars.forEach(function (c) {
      if (c >= 'A' && c <= 'Z') { upper = true; }
      else if (c >= 'a' && c <= 'z') { lower = true; }
      else if (c >= '0' && c <= '9') { digit = true; }
      else if (SPECIAL.indexOf(c) >= 0) { special = true; }
    });
    var classes = [upper, lower, digit, special].filter(Boolean).length;
    if (classes <= 1) { return 'weak'; }
    if (classes === 2) { return 'medium'; }
    if (classes === 3) { return 'medium-strong'; }
    return chars.length >= 8 ? 'strong' : 'medium-strong';
  }

  function bindStrengthMeters() {
    document.querySelectorAll('input[data-strength-meter]').forEach(function (input) {
      var meterId = input.getAttribute('data-strength-meter');
      var meter = document.getElementById(meterId);
      if (!meter) { return; }
      // The level as text in a polite live region, written only when it changes.
      var text = document.querySelector('[data-meter-text="' + meterId + '"]');
      var levelZh = text ? text.querySelector('[data-level-zh]') : null;
      var levelEn = text ? text.querySelector('[data-level-en]') : null;
      var update = function () {
        var level = input.value === '' ? '' : strength(input.value);
        if (levelZh && levelEn && meter.getAttribute('data-level') !== level) {
          levelZh.textContent = LEVEL_TEXT[level][0];
          levelEn.textContent = LEVEL_TEXT[level][1];
        }
        meter.setAttribute('data-level', level);
        var n = level === '' ? 0 : LEVELS.indexOf(level) + 1;
        meter.querySelectorAll('[data-step]').forEach(function (cell) {
          var step = parseInt(cell.getAttribute('data-step'), 10);
          cell.classList.toggle('lit', step <= n);
          cell.classList.toggle('current', step === n);
        });
      };
      input.addEventListener('input', update);
      update();
    });
  }

  // ----- county → township ---------------------------------------------------------------
  function bindAddressSelects() {
    document.querySelectorAll('select[data-county-select]').forEach(function (county) {
      var township = document.getElementById(county.getAttribute('data-county-select'));
      if (!township) { return; }
      var all = Array.from(township.querySelectorAll('option[data-county]')).map(function (o) {
        return { county: o.getAttribute('data-county'), value: o.value, text: o.textContent };
      });
      var placeholder = township.querySelector('option[value=""]');
      var refill = function () {
        var chosen = township.value;
        while (township.firstChild) { township.removeChild(township.firstChild); }
        if (placeholder) { township.appendChild(placeholder); }
        all.forEach(function (t) {
          if (county.value === '' || t.county !== county.value) { return; }
          var o = document.createElement('option');
          o.value = t.value;
          o.textContent = t.text;
          o.setAttribute('data-county', t.county);
          if (t.value === chosen) { o.selected = true; }
          township.appendChild(o);
        });
        if (township.value !== chosen) { township.value = ''; }
      };
      county.addEventListener('change', refill);
      refill();
    });
  }

  // ----- confirmations ---------------------------------------------------------------------
  function bindConfirms() {
    document.querySelectorAll('form[data-confirm]').forEach(function (form) {
      form.addEventListener('submit', function (ev) {
        if (!window.confirm(form.getAttribute('data-confirm'))) { ev.preventDefault(); }
      });
    });
  }

  // ----- 寄送方式: rows needed only for a new e-mail address ------------------------------------
  function bindMethodToggles() {
    var radios = document.querySelectorAll('input[data-method-toggle]');
    if (!radios.length) { return; }
    var update = function () {
      var chosen = document.querySelector('input[data-method-toggle]:checked');
      var isNew = !!chosen && chosen.value === 'new';
      document.querySelectorAll('[data-when-new]').forEach(function (row) { row.hidden = !isNew; });
    };
    radios.forEach(function (r) { r.addEventListener('change', update); });
    update();
  }

  // ----- the bridge (JSON protocol, /v1/ws) ------------------------------------------------
  function BridgeError(code, zh, en) {
    this.code = code;
    this.zh = zh;
    this.en = en;
  }

  var UNREACHABLE = new BridgeError(4061, zh('site-js-unreachable'), en('site-js-unreachable'));

  /** Opens the bridge; resolves with {request, close, hello} once its hello arrived. */
  function openBridge(timeoutMs) {
    return new Promise(function (resolve, reject) {
      var ws;
      try { ws = new WebSocket(bridgeUrl); } catch (e) { reject(UNREACHABLE); return; }
      var nextId = 1;
      var pending = {};
      var settled = false;
      var timer = setTimeout(function () {
        if (!settled) { settled = true; try { ws.close(); } catch (e) { /* closed */ } reject(UNREACHABLE); }
      }, timeoutMs || 5000);
      var api = {
        hello: null,
        request: function (msg, ms) {
          return new Promise(function (res, rej) {
            var id = nextId++;
            msg.id = id;
            var t = setTimeout(function () {
              delete pending[id];
              rej(new BridgeError(8001, zh('site-js-card-timeout'), en('site-js-card-timeout')));
            }, ms || 20000);
            pending[id] = { res: res, rej: rej, timer: t };
            ws.send(JSON.stringify(msg));
          });
        },
        close: function () { try { ws.close(); } catch (e) { /* closed */ } }
      };
      ws.onmessage = function (ev) {
        var m;
        try { m = JSON.parse(ev.data); } catch (e) { return; }
        if (m.type === 'hello' && !settled) {
          settled = true;
          clearTimeout(timer);
          api.hello = m;
          resolve(api);
          return;
        }
        if (m.id !== undefined && pending[m.id]) {
          var p = pending[m.id];
          delete pending[m.id];
          clearTimeout(p.timer);
          if (m.error) { p.rej(new BridgeError(m.error.code, m.error.message_zh, m.error.message_en)); }
          else { p.res(m.result); }
        }
      };
      var fail = function () {
        Object.keys(pending).forEach(function (id) { pending[id].rej(UNREACHABLE); });
        pending = {};
        if (!settled) { settled = true; clearTimeout(timer); reject(UNREACHABLE); }
      };
      ws.onerror = fail;
      ws.onclose = fail;
    });
  }

  // ----- the site's card endpoints -----------------------------------------------------------
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
          throw new BridgeError(resp.status, e.message_zh || zh('site-js-busy'),
            e.message_en || en('site-js-busy'));
        }
        return json;
      });
    });
  }

  /**
   * SPEC §3: nonce from the site → challenge from the bridge → au from the site →
   * authenticate at the bridge → cr verified by the site. Resolves with the site's answer
   * ({name, card_no_masked}).
   */
  function cardAuth() {
    var bridge = null;
    return openBridge(5000).then(function (b) {
      bridge = b;
      return postJson('/card/nonce');
    }).then(function (n) {
      return bridge.request({ type: 'challenge' }).then(function (c) {
        return postJson('/card/answer', { nonce: n.nonce, card_no: c.card_no, rc: c.rc });
      }).then(function (a) {
        return bridge.request({ type: 'authenticate', au: a.au });
      }).then(function (r) {
        return postJson('/card/verify', { nonce: n.nonce, cr: r.cr });
      });
    }).then(function (result) {
      if (bridge) { bridge.close(); }
      return result;
    }, function (err) {
      if (bridge) { bridge.close(); }
      throw err;
    });
  }

  function showMessage(box, kind, zh, en) {
    if (!box) { return; }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var p1 = document.createElement('span');
    p1.className = 'zh';
    p1.textContent = zh;
    var p2 = document.createElement('span');
    p2.className = 'en';
    p2.lang = 'en';
    p2.textContent = en;
    box.appendChild(p1);
    box.appendChild(document.createElement('br'));
    box.appendChild(p2);
    box.className = 'system-message ' + kind;
  }

  function messageBox(el) {
    var form = el.closest('form');
    return (form && form.querySelector('[data-system-message]')) ||
      document.querySelector('[data-system-message]');
  }

  function errorOf(err) {
    if (err instanceof BridgeError) { return err; }
    return new BridgeError(0, zh('site-js-busy'), en('site-js-busy'));
  }

  function onCardDone(form, result) {
    var name = form ? form.querySelector('[data-card-name]') : null;
    if (name) { name.value = result.name || ''; }
    if (form) { form.setAttribute('data-card-done', '1'); }
    document.querySelectorAll('[data-after-card]').forEach(function (el) { el.hidden = false; });
  }

  function bindCardButtons() {
    document.querySelectorAll('[data-card-read]').forEach(function (button) {
      button.addEventListener('click', function (ev) {
        ev.preventDefault();
        // Busy, not disabled: a disabled button loses the keyboard focus, and the person
        // reading the card should stay on 讀取 (WCAG 2.4.3).
        if (button.getAttribute('aria-disabled') === 'true') { return; }
        var form = button.closest('form');
        var box = messageBox(button);
        button.setAttribute('aria-disabled', 'true');
        showMessage(box, 'info', zh('site-js-reading-card'), en('site-js-reading-card'));
        cardAuth().then(function (result) {
          onCardDone(form, result);
          showMessage(box, 'ok', zh('site-js-card-verified'), en('site-js-card-verified'));
        }, function (err) {
          var e = errorOf(err);
          showMessage(box, 'error', e.zh, e.en);
        }).then(function () {
          button.removeAttribute('aria-disabled');
          if (document.activeElement === document.body) { button.focus(); }
        });
      });
    });
    // Forms that need the card at submit (login): authenticate first, then submit.
    document.querySelectorAll('form[data-card-on-submit]').forEach(function (form) {
      form.addEventListener('submit', function (ev) {
        if (form.getAttribute('data-card-done') === '1') { return; }
        ev.preventDefault();
        var box = messageBox(form);
        var submit = form.querySelector('[type=submit]');
        if (submit) { submit.disabled = true; }
        showMessage(box, 'info', zh('site-js-reading-card'), en('site-js-reading-card'));
        cardAuth().then(function (result) {
          onCardDone(form, result);
          if (submit) { submit.disabled = false; }
          if (form.requestSubmit) { form.requestSubmit(submit || undefined); } else { form.submit(); }
        }, function (err) {
          var e = errorOf(err);
          showMessage(box, 'error', e.zh, e.en);
          if (submit) { submit.disabled = false; }
        });
      });
    });
  }

  // ----- environment: login page status and the check page ----------------------------------
  function setSupport(ok) {
    document.querySelectorAll('[data-support]').forEach(function (el) {
      el.textContent = ok ? '✔' : '✘';
      el.className = ok ? 'support ok' : 'support fail';
      el.setAttribute('data-supported', ok ? 'yes' : 'no');
    });
  }

  function setConnection(ok) {
    document.querySelectorAll('[data-connection]').forEach(function (el) {
      el.textContent = ok ? both('site-js-connection-ok') : both('site-js-connection-failed');
      el.className = ok ? 'connection ok' : 'connection fail';
      el.setAttribute('data-connected', ok ? 'yes' : 'no');
    });
  }

  // 「支援使用健保卡」 says whether the card component answers, not only whether the browser
  // could talk to one; asked again every few seconds, so starting or stopping the component
  // shows without reloading the page.
  var PROBE_EVERY_MS = 5000;
  function probeBridge() {
    if (!document.querySelector('[data-support],[data-connection]')) { return; }
    var capable = typeof WebSocket === 'function' && typeof fetch === 'function' &&
      typeof Promise === 'function';
    var again = function () { setTimeout(probeBridge, PROBE_EVERY_MS); };
    if (!capable) { setSupport(false); setConnection(false); again(); return; }
    openBridge(4000).then(function (b) {
      setSupport(true);
      setConnection(true);
      b.close();
    }, function () {
      setSupport(false);
      setConnection(false);
    }).then(again);
  }

  function bindCheckPage() {
    var reply = document.querySelector('[data-reply]');
    if (!reply) { return; }
    var say = function (text) { reply.textContent = text; };
    var readBtn = document.querySelector('[data-check-read]');
    var authBtn = document.querySelector('[data-check-auth]');
    var clearBtn = document.querySelector('[data-check-clear]');
    if (readBtn) {
      readBtn.addEventListener('click', function () {
        say('…');
        openBridge(4000).then(function (b) {
          setConnection(true);
          return b.request({ type: 'read' }).then(function (r) {
            b.close();
            // Masked as the site masks card numbers (CardNumber::masked): all but the last 4.
            var no = r.card_no || '';
            var masked = no.slice(0, -4).replace(/./g, '*') + no.slice(-4);
            say(both('site-js-card-read') + ': ' + masked + ' (' + r.reader + ')');
          }, function (e) { b.close(); throw e; });
        }).catch(function (err) {
          var e = errorOf(err);
          if (e === UNREACHABLE) { setConnection(false); }
          say(e.code + ' ' + e.zh + ' ' + e.en);
        });
      });
    }
    if (authBtn) {
      authBtn.addEventListener('click', function () {
        say('…');
        cardAuth().then(function (r) {
          setConnection(true);
          say(both('site-js-card-checked') + ': ' + (r.card_no_masked || ''));
        }, function (err) {
          var e = errorOf(err);
          if (e === UNREACHABLE) { setConnection(false); }
          say(e.code + ' ' + e.zh + ' ' + e.en);
        });
      });
    }
    if (clearBtn) { clearBtn.addEventListener('click', function () { say(''); }); }
  }

  // Exposed for the site's browser tests (the meter must agree with the server's rule).
  window.twnhi = { strength: strength };

  // ----- after a failed submit: the error summary takes the focus (it is role=alert) ------------
  function focusErrorSummary() {
    var summary = document.querySelector('[data-error-summary]');
    if (summary && summary.textContent.trim() !== '') { summary.focus(); }
  }

  // ----- a form is sent once: a second click while the first submit is under way does ------
  // nothing (the server answers every form with a redirect, so the page that follows is the
  // first submit's). Bound last: a submit another handler cancelled (a confirmation, the card
  // read before login) does not count. Back to a page from the cache: it can be sent again.
  function bindSubmitOnce() {
    document.querySelectorAll('form[method=post]').forEach(function (form) {
      form.addEventListener('submit', function (ev) {
        if (ev.defaultPrevented) { return; }
        if (form.hasAttribute('data-sent')) { ev.preventDefault(); return; }
        form.setAttribute('data-sent', '');
      });
    });
    window.addEventListener('pageshow', function () {
      document.querySelectorAll('form[data-sent]').forEach(function (form) {
        form.removeAttribute('data-sent');
      });
    });
  }

  bindStrengthMeters();
  bindAddressSelects();
  bindConfirms();
  bindMethodToggles();
  bindCardButtons();
  probeBridge();
  bindCheckPage();
  bindSubmitOnce();
  focusErrorSummary();
}());
