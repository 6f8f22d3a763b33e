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
   * ({name, card_no_masked}) and the reader the bridge used (reader).
   */
  function cardAuth() {
    var bridge = null;
    var reader = '';
    return openBridge(5000).then(function (b) {
      bridge = b;
      return postJson('/card/nonce');
    }).then(function (n) {
      return bridge.request({ type: 'challenge' }).then(function (c) {
        reader = c.reader || '';
        return postJson('/card/answer', { nonce: n.nonce, card_no: c.card_no, rc: c.rc });
      }).then(function (a) {
        return bridge.request({ type: 'authenticate', au: a.au });
      }).then(function (r) {
        return postJson('/card/verify', { nonce: n.nonce, cr: r.cr });
      });
    }).then(function (result) {
      if (bridge) { bridge.close(); }
      result.reader = reader;
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

  /** `label: value` with the label in both languages, English marked as such. */
  function labelled(parent, zhText, enText, value) {
    var zhLabel = document.createElement('span');
    zhLabel.textContent = zhText;
    var enLabel = document.createElement('span');
    enLabel.lang = 'en';
    enLabel.textContent = enText;
    var v = document.createElement('span');
    v.textContent = value;
    // A reader's name is its maker's (Latin letters): read out as English.
    if (/[A-Za-z]/.test(value)) { v.lang = 'en'; }
    parent.appendChild(zhLabel);
    parent.appendChild(document.createTextNode(' '));
    parent.appendChild(enLabel);
    parent.appendChild(document.createTextNode(': '));
    parent.appendChild(v);
  }

  function onCardDone(form, result) {
    var name = form ? form.querySelector('[data-card-name]') : null;
    if (name) { name.value = result.name || ''; }
    // Which reader and which card this page used (issue: a second reader, a swapped card).
    var source = form ? form.querySelector('[data-card-source]') : null;
    if (source) {
      while (source.firstChild) { source.removeChild(source.firstChild); }
      labelled(source, zh('site-js-reader'), en('site-js-reader'), result.reader || '');
      source.appendChild(document.createTextNode('; '));
      labelled(source, zh('site-js-card-number'), en('site-js-card-number'),
        result.card_no_masked || '');
      source.setAttribute('data-reader', result.reader || '');
      source.setAttribute('data-card', result.card_no_masked || '');
      source.hidden = false;
    }
    document.querySelectorAll('[data-after-card]').forEach(function (el) { el.hidden = false; });
  }

  function clearCardDone(form) {
    var name = form ? form.querySelector('[data-card-name]') : null;
    if (name) { name.value = ''; }
    var source = form ? form.querySelector('[data-card-source]') : null;
    if (source) { source.hidden = true; }
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
    // Forms that act on the card in the reader (log-in, apply, 重寄認證信, 忘記註冊密碼): every
    // submit reads the card again, then sends the form — the card used is the one in the
    // reader now, not one read before and since pulled out or swapped (the site accepts only
    // a read made just before). A failed read sends nothing and says why.
    document.querySelectorAll('form[data-card-on-submit]').forEach(function (form) {
      form.addEventListener('submit', function (ev) {
        if (form.hasAttribute('data-card-fresh')) {
          form.removeAttribute('data-card-fresh');
          return;
        }
        ev.preventDefault();
        var box = messageBox(form);
        var submit = form.querySelector('[type=submit]');
        if (submit) { submit.disabled = true; }
        showMessage(box, 'info', zh('site-js-reading-card'), en('site-js-reading-card'));
        cardAuth().then(function (result) {
          onCardDone(form, result);
          if (submit) { submit.disabled = false; }
          // requestSubmit fires the submit event at once; the mark is for that event only.
          form.setAttribute('data-card-fresh', '');
          if (form.requestSubmit) { form.requestSubmit(submit || undefined); } else { form.submit(); }
          form.removeAttribute('data-card-fresh');
        }, function (err) {
          var e = errorOf(err);
          clearCardDone(form);
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
      var status = document.querySelector('[data-reader-status]');
      if (!status) { b.close(); return null; }
      return b.request({ type: 'readers' }, 4000).then(function (r) {
        b.close();
        setReaderStatus(status, r.readers || []);
      }, function () { b.close(); setReaderStatus(status, null); });
    }, function () {
      setSupport(false);
      setConnection(false);
      var status = document.querySelector('[data-reader-status]');
      if (status) { setReaderStatus(status, null); }
    }).then(again);
  }

  // The log-in page's 讀卡機 row: the reader the card would be read in (the first holding an
  // NHI card, else the first) and whether a card is in it. Written only when it changes.
  function setReaderStatus(el, readers) {
    var name = '';
    var says = null;
    var state = 'unknown';
    if (readers !== null && readers.length === 0) {
      says = [zh('site-js-no-reader'), en('site-js-no-reader')];
      state = 'none';
    } else if (readers !== null) {
      var nhi = readers.filter(function (r) { return r.card_kind === 'nhi'; });
      name = (nhi.length ? nhi[0] : readers[0]).name;
      says = nhi.length ? [zh('site-js-card-inserted'), en('site-js-card-inserted')]
        : [zh('site-js-no-card'), en('site-js-no-card')];
      state = nhi.length ? 'card' : 'empty';
    }
    if (el.getAttribute('data-state') === state && el.getAttribute('data-reader') === name) {
      return;
    }
    while (el.firstChild) { el.removeChild(el.firstChild); }
    el.setAttribute('data-state', state);
    el.setAttribute('data-reader', name);
    if (says === null) { el.textContent = '—'; return; }
    var add = function (text, lang) {
      var span = document.createElement('span');
      if (lang) { span.lang = lang; }
      span.textContent = text;
      el.appendChild(span);
    };
    if (name) { add(name, /[A-Za-z]/.test(name) ? 'en' : ''); add(' (', ''); }
    add(says[0], '');
    add(' ', '');
    add(says[1], 'en');
    if (name) { add(')', ''); }
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
