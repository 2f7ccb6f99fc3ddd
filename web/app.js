// De webpagina van `meetlat serve`: een initiatief invullen en toetsen aan de meetlat, een bestand
// toetsen, het besluitenregister doorzoeken, toekennen en overrulen, het uitvoeringsbudget en de
// regelpakketten bekijken. Geen framework en geen externe bronnen: alleen deze pagina en de API
// van dezelfde server (/v1/...). Bedragen zijn altijd hele centen; er wordt nergens met
// kommagetallen gerekend.
'use strict';

(function () {
  // ---------------------------------------------------------------------------------------------
  // Kleine hulpmiddelen

  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // el('p', {class: 'x', text: 'y'}, kind1, kind2): een element met eigenschappen en kinderen.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') {
        node.addEventListener(key.slice(2), value);
      } else if (value === true) node.setAttribute(key, '');
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  let uniqueCounter = 0;
  const uniqueId = (prefix) => `${prefix}-${++uniqueCounter}`;

  // ---------------------------------------------------------------------------------------------
  // Geld: euro's zoals een Nederlander ze schrijft <-> hele centen, zonder kommagetallen.

  const MAX_EURO_DIGITS = 11;  // tot EUR 10.000.000.000 (submission-format.md)

  // "30.000", "30000", "12.500,50", "€ 1.234,5", "85.000,-" -> {cents} of {error}.
  function parseEuro(input) {
    let s = String(input || '').replace(/[\s\u00a0\u202f]/g, '').replace(/^€/, '').replace(/^eur/i, '');
    if (s === '') return {empty: true};
    s = s.replace(/,[-–—]$/, '');  // "85.000,-"
    if (s.startsWith('-')) return {error: 'Een bedrag kan niet negatief zijn.'};
    const m = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(s);
    if (!m) {
      if (/^\d+[.,]\d{3,}$/.test(s) || /,\d{3,}$/.test(s)) {
        return {error: 'Een bedrag heeft hoogstens twee cijfers achter de komma.'};
      }
      return {error: 'Schrijf het bedrag in euro\'s, bijvoorbeeld 30.000 of 12.500,50 (punt voor duizendtallen, komma voor centen).'};
    }
    const euros = m[1].replace(/\./g, '').replace(/^0+(?=\d)/, '');
    const cents = (m[2] || '').padEnd(2, '0');
    if (euros.length > MAX_EURO_DIGITS || (euros.length === MAX_EURO_DIGITS && (euros !== '10000000000' || cents !== '00'))) {
      return {error: 'Het bedrag is groter dan € 10.000.000.000.'};
    }
    const digits = (euros + cents).replace(/^0+(?=\d)/, '');
    return {cents: Number(digits), euros, centsPart: cents};
  }

  // 8500050 -> "85000.50" (voor JSON; exact, als tekst opgebouwd)
  function centsToDecimalText(cents) {
    const neg = cents < 0;
    const abs = String(Math.abs(cents)).padStart(3, '0');
    const euros = abs.slice(0, -2);
    const c = abs.slice(-2);
    return (neg ? '-' : '') + (c === '00' ? euros : `${euros}.${c}`);
  }

  // 8500050 -> "€ 85.000,50"; 8500000 -> "€ 85.000"
  function formatCents(cents) {
    if (cents === undefined || cents === null || Number.isNaN(Number(cents))) return '—';
    const n = Number(cents);
    const neg = n < 0;
    const abs = String(Math.abs(n)).padStart(3, '0');
    const euros = abs.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    const c = abs.slice(-2);
    return `${neg ? '− ' : ''}€ ${euros}${c === '00' ? '' : ',' + c}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Datum en tijd

  const dateTimeFormat = new Intl.DateTimeFormat('nl-NL', {dateStyle: 'long', timeStyle: 'short'});
  const dateFormat = new Intl.DateTimeFormat('nl-NL', {dateStyle: 'medium'});
  const shortFormat = new Intl.DateTimeFormat('nl-NL', {dateStyle: 'short', timeStyle: 'short'});

  function formatShort(at) {
    const d = new Date(at);
    return at && !Number.isNaN(d.getTime()) ? shortFormat.format(d) : String(at || '—');
  }

  function formatAt(at, withTime = true) {
    if (!at) return '—';
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(at));
    if (day) {
      // Een kale datum: niet laten doorrollen (2020-02-30 is geen 1 maart), en geen tijdzone.
      const d = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
      if (d.getFullYear() !== Number(day[1]) || d.getMonth() !== Number(day[2]) - 1 || d.getDate() !== Number(day[3])) {
        return String(at);
      }
      return dateFormat.format(d);
    }
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) return String(at);
    return (withTime ? dateTimeFormat : dateFormat).format(d);
  }

  function todayIso() {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Woorden tellen zoals de regels: aaneengesloten letters of cijfers (rule-catalogue.md).

  function countWords(text) {
    const m = String(text || '').match(/[\p{L}\p{N}]+/gu);
    return m ? m.length : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // De API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  const TOKEN_KEY = 'meetlat.schrijfsleutel';

  async function api(method, path, options = {}) {
    const headers = {Accept: 'application/json'};
    if (options.body !== undefined) headers['Content-Type'] = options.contentType || 'application/json';
    if (options.auth) {
      const token = sessionStorage.getItem(TOKEN_KEY) || '';
      if (!token) {
        throw new ApiError(401, 'geen_sleutel',
          'Vul eerst bovenaan de pagina de schrijfsleutel in; die is nodig om toe te kennen of te overrulen.');
      }
      headers.Authorization = `Bearer ${token}`;
    }
    let response;
    try {
      response = await fetch(path, {method, headers, body: options.body, cache: 'no-store'});
    } catch (e) {
      throw new ApiError(0, 'netwerk', 'De server is niet bereikbaar. Controleer of meetlat serve draait en probeer het opnieuw.');
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!response.ok) {
      const err = data && data.error;
      let message = (err && err.message) || `De server antwoordde met status ${response.status}.`;
      if (response.status === 401 || response.status === 403) {
        message = `De schrijfsleutel wordt niet geaccepteerd (${message}). Controleer de sleutel bovenaan de pagina.`;
      }
      throw new ApiError(response.status, (err && err.code) || String(response.status), message);
    }
    return data;
  }

  // ---------------------------------------------------------------------------------------------
  // Meldingen bovenaan de pagina

  function notify(message, kind = 'error') {
    const box = $('#meldingen');
    const item = el('div', {class: `notice notice-${kind}`},
      el('p', {text: message}),
      el('button', {type: 'button', class: 'secondary small', text: 'Sluiten',
        'aria-label': 'Melding sluiten', onclick: () => item.remove()}));
    box.append(item);
    if (kind !== 'error') setTimeout(() => item.remove(), 15000);
  }

  function clearNotices() {
    $('#meldingen').replaceChildren();
  }

  // ---------------------------------------------------------------------------------------------
  // Woorden en labels voor wat de server teruggeeft

  const VERDICTS = {
    voldoet: {label: 'Voldoet', icon: '✓',
      uitleg: 'De aanvraag voldoet aan alle vragen en regels.'},
    voldoet_met_aandachtspunten: {label: 'Voldoet, met aandachtspunten', icon: '✓',
      uitleg: 'Geen blokkerende regel valt af, maar er zijn aandachtspunten. Lees ze hieronder.'},
    voldoet_niet: {label: 'Voldoet niet', icon: '✗',
      uitleg: 'Minstens één blokkerende vraag of regel voldoet niet. Hieronder staat welke en waarom.'},
    onbeslist: {label: 'Onbeslist', icon: '?',
      uitleg: 'Een regel kon niet worden toegepast. Een medewerker moet hierover beslissen.'},
    ongeldig: {label: 'Ongeldig', icon: '!',
      uitleg: 'De aanvraag kon niet worden gelezen, dus er is geen regel toegepast. Zie de invoerfouten hieronder.'},
  };

  const OUTCOMES = {
    pass: {label: 'Voldoet', icon: '✓'},
    fail: {label: 'Voldoet niet', icon: '✗'},
    skip: {label: 'Niet van toepassing', icon: '–'},
    error: {label: 'Niet te beoordelen', icon: '?'},
  };

  const SEVERITIES = {blocking: 'blokkerend', advisory: 'aandachtspunt'};

  const THEMAS = {
    'ambulantisering': 'Ambulantisering',
    'verbinding-jeugdhulp-onderwijs': 'Verbinding jeugdhulp en onderwijs',
    'doorontwikkeling-inkoop': 'Doorontwikkeling inkoop',
    'gedwongen-kader': 'Gedwongen kader',
  };
  const themaLabel = (t) => THEMAS[t] || t || '—';

  function verdictInfo(v) {
    return VERDICTS[v] || {label: v || 'Onbekend', icon: '?', uitleg: ''};
  }

  function verdictBadge(v) {
    const info = verdictInfo(v);
    return el('span', {class: `badge verdict-badge verdict-${v}`},
      el('span', {'aria-hidden': 'true', text: info.icon + ' '}), info.label);
  }

  function outcomeBadge(outcome, extraClass = '') {
    const info = OUTCOMES[outcome] || {label: outcome, icon: '?'};
    return el('span', {class: `badge outcome-badge outcome-${outcome} ${extraClass}`},
      el('span', {'aria-hidden': 'true', text: info.icon + ' '}), info.label);
  }

  // ---------------------------------------------------------------------------------------------
  // Het rapport van één aanvraag: oordeel, mandaat, invoerfouten en per regel de uitkomst

  // Het laatste overruling per regel.
  function overridesByRule(overrides) {
    const map = new Map();
    for (const o of overrides || []) map.set(o.rule, o);
    return map;
  }

  function mandateOf(report) {
    const rule = (report.rules || []).find((r) => r.id === 'ML-08');
    if (!rule) return null;
    if (rule.outcome === 'pass') {
      return {kind: 'binnen', title: 'Binnen het mandaat van de kwartiermaker',
        text: rule.message};
    }
    if (rule.outcome === 'fail' && /GR-route|bestuurlijke instemming/.test(rule.message || '')) {
      return {kind: 'buiten', title: 'Buiten het mandaat: bestuurlijke instemming (GR-route) nodig',
        text: rule.message};
    }
    return {kind: 'onbekend', title: 'Niet te bepalen of dit binnen het mandaat valt', text: rule.message};
  }

  function messageNodes(rule) {
    // Een regel met meerdere bevindingen: een lijst; anders de tekst in alinea's.
    if (Array.isArray(rule.findings) && rule.findings.length > 1) {
      return el('ul', {class: 'findings'}, rule.findings.map((f) => el('li', {text: f.message})));
    }
    const lines = String(rule.message || '').split('\n').filter((l) => l.trim() !== '');
    return lines.map((l) => el('p', {class: 'message', text: l}));
  }

  function ruleCard(rule, override, headingLevel) {
    const h = `h${headingLevel}`;
    const card = el('article', {
      class: `rule outcome-${rule.outcome} sev-${rule.severity}${override ? ' has-override' : ''}`,
      id: `regel-${rule.pack}-${rule.id}`.replace(/[^A-Za-z0-9_-]/g, '-'),
      dataset: {rule: rule.id, outcome: rule.outcome},
    });
    card.append(el('div', {class: 'rule-head'},
      el(h, {class: 'rule-title'}, el('span', {class: 'rule-id', text: rule.id}), ' ', rule.title || ''),
      el('div', {class: 'rule-badges'},
        outcomeBadge(rule.outcome, override ? 'superseded' : ''),
        el('span', {class: `badge sev-badge sev-${rule.severity}`, text: SEVERITIES[rule.severity] || rule.severity}))));
    if (override) {
      card.append(el('div', {class: 'override-box'},
        el('p', {class: 'override-line'},
          el('strong', {text: 'Overruling: '}),
          'de regel zei ', el('span', {class: 'machine-outcome', text: (OUTCOMES[rule.outcome] || {}).label || rule.outcome}),
          '; nu ', outcomeBadge(override.outcome, 'override-outcome'),
          ` — door ${override.door || 'onbekend'}, ${formatAt(override.at)}`),
        el('p', {class: 'override-motivatie'}, el('strong', {text: 'Motivatie: '}), override.motivatie || '')));
    }
    card.append(el('div', {class: 'rule-message'}, messageNodes(rule)));
    if (rule.detail) card.append(el('p', {class: 'detail', text: rule.detail}));
    if (rule.quote || rule.source) {
      card.append(el('figure', {class: 'quote'},
        rule.quote ? el('blockquote', {}, el('p', {text: `“${rule.quote}”`})) : null,
        el('figcaption', {}, 'Bron: ', el('cite', {text: rule.source || 'onbekend'}))));
    }
    if (Array.isArray(rule.evidence) && rule.evidence.length) {
      card.append(el('p', {class: 'evidence'}, 'Gegevens: ',
        rule.evidence.map((e, i) => [i ? ', ' : '', el('code', {text: e})])));
    }
    return card;
  }

  function packsLine(packs) {
    if (!packs || !packs.length) return null;
    return el('p', {class: 'packs-line'}, 'Getoetst met: ',
      packs.map((p, i) => [i ? '; ' : '', el('strong', {text: p.name}), ` versie ${p.version} `,
        el('code', {class: 'hash', text: p.hash || ''})]));
  }

  // options: {headingLevel, overrides, onFieldLink(path)}
  function renderReport(report, options = {}) {
    const level = options.headingLevel || 3;
    const root = el('div', {class: 'report'});
    const info = verdictInfo(report.verdict);
    root.append(el('div', {class: `verdict-box verdict-${report.verdict}`, dataset: {verdict: report.verdict}},
      el('p', {class: 'verdict-label'}, el('span', {class: 'verdict-icon', 'aria-hidden': 'true', text: info.icon}),
        el('span', {class: 'verdict-word', text: info.label})),
      el('p', {class: 'verdict-uitleg', text: info.uitleg}),
      report.titel ? el('p', {class: 'verdict-titel'}, el('strong', {text: 'Aanvraag: '}), report.titel,
        report.regio ? ` (${report.regio}${report.ingediend ? ', ingediend ' + formatAt(report.ingediend, false) : ''})` : '') : null));

    const overridden = (options.overrides || []).length;
    if (overridden) {
      root.append(el('p', {class: 'override-note'}, el('strong', {text: 'Let op: '}),
        `${overridden === 1 ? 'één overruling' : `${overridden} overrulingen`} door een medewerker. `
        + 'Het oordeel hierboven is de uitkomst van de regels; de overrulingen staan bij de regels en hieronder.'));
    }

    const mandate = mandateOf(report);
    if (mandate) {
      root.append(el('div', {class: `mandate-box mandate-${mandate.kind}`},
        el('p', {class: 'mandate-title'}, el('strong', {text: mandate.title})),
        el('p', {class: 'mandate-text', text: mandate.text || ''})));
    }

    const errors = report.input_errors || [];
    if (errors.length) {
      root.append(el(`h${level}`, {text: `Invoerfouten (${errors.length})`}));
      root.append(el('ul', {class: 'input-errors'}, errors.map((e) => {
        // Regel en kolom zeggen iets bij een bestand, niet bij het formulier.
        const where = e.line && !options.onFieldLink ? ` (regel ${e.line}, kolom ${e.column})` : '';
        const pathNode = options.onFieldLink && e.path
          ? el('button', {type: 'button', class: 'link-button', text: fieldLabelFor(e.path) || e.path,
            onclick: () => options.onFieldLink(e.path)})
          : el('code', {text: e.path || 'aanvraag'});
        return el('li', {class: 'input-error', dataset: {path: e.path || ''}}, pathNode, where, ': ', e.message);
      })));
    }

    const rules = report.rules || [];
    if (rules.length) {
      const overrides = overridesByRule(options.overrides);
      const counts = {pass: 0, fail: 0, skip: 0, error: 0};
      for (const r of rules) counts[r.outcome] = (counts[r.outcome] || 0) + 1;
      root.append(el(`h${level}`, {text: 'Per vraag en regel'}));
      root.append(el('p', {class: 'rule-summary'},
        `${counts.pass} voldoet, ${counts.fail} voldoet niet`,
        counts.skip ? `, ${counts.skip} niet van toepassing` : '',
        counts.error ? `, ${counts.error} niet te beoordelen` : '', '.'));
      root.append(el('div', {class: 'rules'}, rules.map((r) => ruleCard(r, overrides.get(r.id), level + 1))));
    }
    const pl = packsLine(report.packs);
    if (pl) root.append(pl);
    return root;
  }

  // ---------------------------------------------------------------------------------------------
  // Het formulier 'Nieuw initiatief'

  const form = $('#form-initiatief');
  const BEDRAG_PLACEHOLDER = '__meetlat_bedrag_placeholder__';

  const lines = (text) => String(text || '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const value = (id) => $(`#${id}`).value.trim();
  const checkedValues = (name) => $$(`input[name="${name}"]:checked`, form).map((i) => i.value);
  const radioValue = (name) => {
    const r = $(`input[name="${name}"]:checked`, form);
    return r ? r.value : null;
  };
  const yesNo = (v) => (v === 'ja' ? true : v === 'nee' ? false : undefined);

  // Zet alleen ingevulde waarden in een tabel; een lege tabel wordt weggelaten.
  function compact(obj) {
    const out = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined || v === null || v === '') continue;
      if (Array.isArray(v) && v.length === 0 && k !== 'bijdragen') continue;
      out[k] = v;
    }
    return out;
  }

  // Het formulier als JSON-aanvraag (submission-format.md). Geeft {text, errors}.
  function buildSubmission() {
    const errors = [];
    const aanvraag = compact({
      soort: 'initiatief',
      regeling: 'ijsselland-meetlat',
      regio: value('f-regio'),
      titel: value('f-titel'),
      ingediend: value('f-ingediend'),
      indiener: value('f-indiener'),
    });
    if (!aanvraag.titel) errors.push({path: 'aanvraag.titel', message: 'Geef het initiatief een titel.'});
    if (!aanvraag.regio) errors.push({path: 'aanvraag.regio', message: 'Vul de jeugdzorgregio in (IJsselland).'});
    if (!aanvraag.ingediend) errors.push({path: 'aanvraag.ingediend', message: 'Vul de datum van indienen in.'});

    const bedrag = parseEuro($('#f-bedrag').value);
    if (bedrag.error) errors.push({path: 'initiatief.gevraagd_bedrag', message: bedrag.error});
    const initiatief = compact({
      omschrijving: value('f-omschrijving'),
      thema: value('f-thema'),
      gevraagd_bedrag: bedrag.cents !== undefined ? BEDRAG_PLACEHOLDER : undefined,
      beoogde_resultaten: lines($('#f-resultaten').value),
      nulmeting: value('f-nulmeting'),
    });

    const meetlat = {};
    const put = (key, answer, keep) => {
      const c = compact(answer);
      const filled = Object.entries(c).some(([k, v]) => k !== 'bijdragen' || v.length > 0) || keep;
      if (filled) meetlat[key] = c;
    };
    put('stip_op_de_horizon', {bijdragen: checkedValues('q1'), toelichting: value('q1-toelichting')});
    put('bestuurlijke_doelen', {bijdragen: checkedValues('q2'), toelichting: value('q2-toelichting')});
    put('transformatiethema', {bijdrage: radioValue('q3'), toelichting: value('q3-toelichting')});
    put('nieuw', {nieuw: yesNo(radioValue('q4')), voorbeelden_elders: lines($('#q4-voorbeelden').value),
      toelichting: value('q4-toelichting')});
    put('lerend_samenwerken', {antwoord: yesNo(radioValue('q5')), toelichting: value('q5-toelichting')});
    put('positieve_gezondheid', {antwoord: yesNo(radioValue('q6')), toelichting: value('q6-toelichting')});

    const submission = {aanvraag};
    if (Object.keys(initiatief).length) submission.initiatief = initiatief;
    if (Object.keys(meetlat).length) submission.meetlat = meetlat;
    let text = JSON.stringify(submission, null, 2);
    // Het bedrag als exact decimaal getal in de JSON-tekst, niet via een kommagetal.
    if (bedrag.cents !== undefined) text = text.replace(`"${BEDRAG_PLACEHOLDER}"`, centsToDecimalText(bedrag.cents));
    return {text, errors};
  }

  // Het element in het formulier dat bij een sleutelpad hoort (of het dichtstbijzijnde erboven).
  function formTarget(path) {
    let p = String(path || '').replace(/\[\d+\]/g, '').replace(/\.\d+$/, '');
    while (p) {
      const t = form.querySelector(`[data-path="${CSS.escape(p)}"]`);
      if (t) return t;
      const dot = p.lastIndexOf('.');
      p = dot > 0 ? p.slice(0, dot) : '';
    }
    return null;
  }

  function fieldLabelFor(path) {
    const t = formTarget(path);
    if (!t) return null;
    const label = t.matches('.field') ? $('label', t)
      : t.matches('.choices') ? $('.choices-label', t)
        : t.matches('fieldset') ? $('legend', t) : null;
    return label ? label.textContent.replace(/\*/g, '').trim() : null;
  }

  function focusField(path) {
    const t = formTarget(path);
    if (!t) return;
    const control = t.matches('input, textarea, select') ? t : $('input, textarea, select', t);
    (control || t).focus();
    (control || t).scrollIntoView({block: 'center'});
  }

  function clearFormAnnotations() {
    $$('.field-error', form).forEach((n) => n.remove());
    $$('[aria-invalid]', form).forEach((n) => {
      n.removeAttribute('aria-invalid');
      const ids = (n.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.startsWith('fout-'));
      if (ids.length) n.setAttribute('aria-describedby', ids.join(' '));
      else n.removeAttribute('aria-describedby');
    });
    $$('.has-error', form).forEach((n) => n.classList.remove('has-error'));
    $$('.question-status', form).forEach((n) => {
      n.replaceChildren();
      n.className = 'question-status';
    });
  }

  // Zet een foutmelding bij het veld van `path`.
  function annotate(path, message, kind = 'error') {
    const t = formTarget(path);
    if (!t) return false;
    const id = uniqueId('fout');
    const note = el('p', {class: `field-error is-${kind}`, id},
      el('span', {'aria-hidden': 'true', text: kind === 'error' ? '✗ ' : '! '}), message);
    const status = t.matches('fieldset') ? $('.question-status', t) : null;
    if (status) t.insertBefore(note, status);
    else t.append(note);
    t.classList.add('has-error');
    const controls = t.matches('input, textarea, select') ? [t] : $$('input, textarea, select', t);
    for (const c of controls) {
      if (kind === 'error') c.setAttribute('aria-invalid', 'true');
      const ids = (c.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      ids.push(id);
      c.setAttribute('aria-describedby', ids.join(' '));
    }
    return true;
  }

  // Na het toetsen: per vraag de uitkomst in het formulier, en de bevindingen bij de velden.
  function annotateForm(report) {
    clearFormAnnotations();
    for (const e of report.input_errors || []) annotate(e.path, e.message);
    for (const rule of report.rules || []) {
      if (rule.outcome === 'fail' || rule.outcome === 'error') {
        const kind = rule.severity === 'blocking' || rule.outcome === 'error' ? 'error' : 'warning';
        const findings = Array.isArray(rule.findings) && rule.findings.length
          ? rule.findings : [{message: rule.message, evidence: rule.evidence}];
        for (const f of findings) {
          const path = (f.evidence && f.evidence[0]) || (rule.evidence && rule.evidence[0]);
          if (path) annotate(path, `${rule.id}: ${f.message}`, kind);
        }
      }
      const fs = form.querySelector(`fieldset[data-rule="${rule.id}"]`);
      if (fs) {
        const status = $('.question-status', fs);
        status.className = `question-status outcome-${rule.outcome}`;
        status.replaceChildren(el('p', {},
          el('strong', {text: `Uitkomst ${rule.id}: `}), outcomeBadge(rule.outcome), ' ',
          rule.outcome === 'pass' ? rule.message : '(zie de uitslag hieronder)'));
      }
    }
  }

  function updateWordCount(textarea) {
    const out = document.getElementById(`${textarea.id}-count`);
    if (!out) return;
    const n = countWords(textarea.value);
    const needs = textarea.id !== 'q4-toelichting';
    out.textContent = `${n} ${n === 1 ? 'woord' : 'woorden'}${needs ? ' — de meetlat vraagt er minstens 8.' : ''}`;
    out.classList.toggle('enough', needs && n >= 8);
  }

  function resetForm() {
    form.reset();
    $('#f-ingediend').value = todayIso();
    $$('textarea.toelichting', form).forEach(updateWordCount);
    clearFormAnnotations();
    $('#resultaat-nieuw').hidden = true;
    $('#form-status').textContent = '';
  }

  // Het knopje onder een uitslag: besluit openen, afdrukken.
  function resultActions(report) {
    const id = report.decision && report.decision.id;
    return el('div', {class: 'result-actions no-print'},
      id !== undefined && id !== null
        ? el('a', {class: 'button-link primary', href: `#besluit/${encodeURIComponent(id)}`,
          text: 'Open dit besluit (toekennen, overrulen)'})
        : null,
      el('button', {type: 'button', class: 'secondary', text: 'Afdrukken', onclick: () => window.print()}));
  }

  function decisionLine(report) {
    const d = report.decision;
    if (!d) return null;
    return el('p', {class: 'decision-line'}, `Vastgelegd als besluit ${d.id}`,
      d.at ? `, ${formatAt(d.at)}` : '', '.');
  }

  async function evaluate(body, contentType, pack, name) {
    const params = new URLSearchParams();
    if (pack) params.set('pack', pack);
    if (name) params.set('name', name);
    const q = params.toString() ? `?${params}` : '';
    return api('POST', `/v1/evaluate${q}`, {body, contentType});
  }

  function summaryText(report) {
    const info = verdictInfo(report.verdict);
    const failing = (report.rules || []).filter((r) => r.outcome === 'fail' && r.severity === 'blocking').map((r) => r.id);
    let s = `Uitslag: ${info.label}.`;
    if (failing.length) s += ` Blokkerend niet voldaan: ${failing.join(', ')}.`;
    const n = (report.input_errors || []).length;
    if (n) s += ` ${n} ${n === 1 ? 'invoerfout' : 'invoerfouten'}.`;
    return s;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearNotices();
    clearFormAnnotations();
    const status = $('#form-status');
    const {text, errors} = buildSubmission();
    if (errors.length) {
      errors.forEach((e) => annotate(e.path, e.message));
      status.textContent = `Het formulier is nog niet compleet: ${errors.length} ${errors.length === 1 ? 'veld vraagt' : 'velden vragen'} aandacht.`;
      focusField(errors[0].path);
      return;
    }
    const button = $('#btn-toetsen');
    button.disabled = true;
    status.textContent = 'Bezig met toetsen…';
    try {
      const report = await evaluate(text, 'application/json', 'ijsselland-meetlat', 'formulier.json');
      annotateForm(report);
      const area = $('#resultaat-nieuw');
      $('.report-slot', area).replaceChildren(
        renderReport(report, {headingLevel: 3, onFieldLink: focusField}),
        decisionLine(report) || '', resultActions(report));
      area.hidden = false;
      status.textContent = summaryText(report);
      $('#h-resultaat-nieuw').focus();
      loadLedger();  // ML-08 kan de stand van het budget noemen
    } catch (e) {
      status.textContent = 'Toetsen is niet gelukt.';
      notify(e.message);
    } finally {
      button.disabled = false;
    }
  });

  $('#btn-leegmaken').addEventListener('click', () => {
    resetForm();
    $('#f-titel').focus();
  });

  $$('textarea.toelichting', form).forEach((t) => {
    t.addEventListener('input', () => updateWordCount(t));
    updateWordCount(t);
  });

  // ---------------------------------------------------------------------------------------------
  // Bestand toetsen

  $('#form-bestand').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearNotices();
    const input = $('#u-bestand');
    const status = $('#upload-status');
    const file = input.files && input.files[0];
    if (!file) {
      status.textContent = 'Kies eerst een bestand.';
      input.focus();
      return;
    }
    const isJson = /\.json$/i.test(file.name) || file.type === 'application/json';
    status.textContent = `Bezig met toetsen van ${file.name}…`;
    try {
      const text = await file.text();
      const report = await evaluate(text, isJson ? 'application/json' : 'application/toml', $('#u-pakket').value, file.name);
      const area = $('#resultaat-bestand');
      $('.report-slot', area).replaceChildren(
        el('p', {class: 'file-line'}, 'Bestand: ', el('code', {text: file.name})),
        renderReport(report, {headingLevel: 3}), decisionLine(report) || '', resultActions(report));
      area.hidden = false;
      status.textContent = `${file.name}: ${summaryText(report)}`;
      $('#h-resultaat-bestand').focus();
    } catch (e) {
      status.textContent = 'Toetsen is niet gelukt.';
      notify(e.message);
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Uitvoeringsbudget (ledger)

  let ledgerCache = [];
  let ledgerBeforeApproval = null;  // de stand vóór de laatste toekenning in dit tabblad

  // De server mag {themas: [...]}, een lijst, of een object per thema teruggeven.
  function normalizeLedger(data) {
    let list = data;
    if (data && !Array.isArray(data)) list = data.themas || data.ledger || data.budgets || data;
    if (list && !Array.isArray(list) && typeof list === 'object') {
      list = Object.entries(list).map(([thema, v]) => Object.assign({thema}, v));
    }
    return (list || []).map((t) => ({
      regio: t.regio || '',
      thema: t.thema,
      // Een thema zonder uitvoeringsbudget (toegekend via de GR-route) heeft geen pakket.
      geenBudget: t.pack === '' && !(t.budget_cents > 0),
      budget: t.budget_cents ?? t.budget,
      toegekend: t.toegekend_cents ?? t.committed_cents ?? t.toegekend ?? 0,
      resterend: t.resterend_cents ?? t.remaining_cents ?? t.resterend
        ?? ((t.budget_cents ?? 0) - (t.toegekend_cents ?? 0)),
    }));
  }

  async function fetchLedger() {
    ledgerCache = normalizeLedger(await api('GET', '/v1/ledger'));
    return ledgerCache;
  }

  // previous: een eerdere stand, om te tonen wat er veranderde.
  function ledgerTable(rows, previous, caption) {
    const prev = new Map((previous || []).map((r) => [`${r.regio}|${r.thema}`, r]));
    const showChange = Boolean(previous);
    const table = el('table', {class: 'data-table ledger-table'},
      el('caption', {text: caption || 'Uitvoeringsbudget per thema'}),
      el('thead', {}, el('tr', {},
        el('th', {scope: 'col', text: 'Regio'}), el('th', {scope: 'col', text: 'Thema'}),
        el('th', {scope: 'col', class: 'num', text: 'Budget'}), el('th', {scope: 'col', class: 'num', text: 'Toegekend'}),
        el('th', {scope: 'col', class: 'num', text: 'Resterend'}),
        showChange ? el('th', {scope: 'col', class: 'num', text: 'Was resterend'}) : null)),
      el('tbody', {}, rows.map((r) => {
        const before = prev.get(`${r.regio}|${r.thema}`);
        const changed = before && before.resterend !== r.resterend;
        return el('tr', {class: changed ? 'changed' : '', dataset: {thema: r.thema, regio: r.regio}},
          el('td', {text: r.regio || '—'}), el('th', {scope: 'row', text: themaLabel(r.thema)}),
          el('td', {class: 'num budget', text: r.geenBudget ? 'geen' : formatCents(r.budget)}),
          el('td', {class: 'num toegekend', text: formatCents(r.toegekend)}),
          el('td', {class: `num resterend${r.resterend < 0 ? ' negative' : ''}`, dataset: {cents: String(r.resterend)}},
            el('strong', {text: formatCents(r.resterend)})),
          showChange ? el('td', {class: 'num was', text: before ? formatCents(before.resterend) : '—'}) : null);
      })));
    return el('div', {class: 'table-wrap'}, table);
  }

  async function loadLedger() {
    const slot = $('#ledger-slot');
    try {
      const rows = await fetchLedger();
      slot.replaceChildren(rows.length
        ? ledgerTable(rows, ledgerBeforeApproval,
          ledgerBeforeApproval ? 'Stand nu, en vóór de laatste toekenning' : 'Stand van het uitvoeringsbudget')
        : el('p', {text: 'Er is geen uitvoeringsbudget bekend.'}));
      return rows;
    } catch (e) {
      slot.replaceChildren(el('p', {class: 'error-text', text: `Het budget kon niet worden opgehaald: ${e.message}`}));
      return null;
    }
  }

  $('#btn-ledger-verversen').addEventListener('click', () => loadLedger());

  // ---------------------------------------------------------------------------------------------
  // Regelpakketten

  let packsCache = [];

  async function loadPacks() {
    const slot = $('#packs-slot');
    let data;
    try {
      data = await api('GET', '/v1/packs');
    } catch (e) {
      slot.replaceChildren(el('p', {class: 'error-text', text: `De regelpakketten konden niet worden opgehaald: ${e.message}`}));
      return;
    }
    const packs = Array.isArray(data) ? data : (data.packs || []);
    const errors = Array.isArray(data && data.errors) ? data.errors : [];
    packsCache = packs;
    const content = [];
    if (errors.length) {
      content.push(el('div', {class: 'pack-errors', role: 'alert'},
        el('h2', {text: `Fouten bij het laden (${errors.length})`}),
        el('p', {text: 'Deze wijzigingen zijn niet in gebruik genomen; de server toetst met de laatst goed geladen versie.'}),
        el('ul', {}, errors.map((e) => el('li', {},
          el('strong', {text: e.pack || 'onbekend pakket'}),
          e.file ? [' — ', el('code', {text: e.file + (e.line ? `:${e.line}` : '')})] : '',
          ': ', e.message || '')))));
    } else {
      content.push(el('p', {class: 'ok-text'}, el('span', {'aria-hidden': 'true', text: '✓ '}), 'Alle regelpakketten zijn zonder fouten geladen.'));
    }
    content.push(el('div', {class: 'table-wrap'}, el('table', {class: 'data-table packs-table'},
      el('caption', {text: 'Geladen regelpakketten'}),
      el('thead', {}, el('tr', {},
        el('th', {scope: 'col', text: 'Naam'}), el('th', {scope: 'col', text: 'Titel'}),
        el('th', {scope: 'col', text: 'Versie'}), el('th', {scope: 'col', text: 'Vingerafdruk'}),
        el('th', {scope: 'col', text: 'Geladen op'}))),
      el('tbody', {}, packs.map((p) => el('tr', {dataset: {pack: p.name}},
        el('th', {scope: 'row'}, el('code', {text: p.name}),
          errors.some((e) => e.pack === p.name)
            ? el('span', {class: 'block pack-stale', text: 'herladen mislukt: vorige versie in gebruik'}) : null),
        el('td', {text: p.title || ''}),
        el('td', {text: p.version || ''}), el('td', {}, el('code', {class: 'hash', text: p.hash || ''})),
        el('td', {text: formatAt(p.loaded_at)})))))));
    slot.replaceChildren(...content);

    const badge = $('#pack-badge');
    badge.hidden = errors.length === 0;
    badge.textContent = errors.length ? `${errors.length} ${errors.length === 1 ? 'fout' : 'fouten'}` : '';
    $('#footer-packs').textContent = packs.length
      ? `Regelpakketten: ${packs.map((p) => `${p.name} ${p.version}`).join(', ')}.` : '';

    for (const select of [$('#u-pakket'), $('#r-regeling')]) {
      const keep = select.value;
      $$('option:not(:first-child)', select).forEach((o) => o.remove());
      for (const p of packs) select.append(el('option', {value: p.name, text: p.title ? `${p.name} — ${p.title}` : p.name}));
      select.value = keep;
    }
  }

  $('#btn-packs-verversen').addEventListener('click', loadPacks);

  // ---------------------------------------------------------------------------------------------
  // Besluitenregister

  let lastDecisions = [];
  let nextBefore = null;

  function filterParams() {
    const f = $('#form-filter');
    const params = new URLSearchParams();
    for (const name of ['verdict', 'regio', 'regeling', 'q', 'from', 'to']) {
      const v = f.elements[name].value.trim();
      if (v) params.set(name, v);
    }
    params.set('limit', '50');
    return params;
  }

  function decisionRow(d) {
    const toegekend = d.toegekend
      ? `${formatCents(d.toegekend.bedrag_cents)} (${themaLabel(d.toegekend.thema)})` : '—';
    const overrides = Array.isArray(d.overrides) ? d.overrides.length : (d.overrides || 0);
    return el('tr', {dataset: {id: String(d.id), verdict: d.verdict}},
      el('td', {class: 'num', text: String(d.id)}),
      el('td', {class: 'nowrap', text: formatShort(d.at)}),
      el('td', {}, el('a', {href: `#besluit/${encodeURIComponent(d.id)}`, text: d.titel || `Besluit ${d.id}`})),
      el('td', {text: d.regio || '—'}),
      el('td', {text: d.regeling || (Array.isArray(d.packs) ? d.packs.map((p) => p.name || p).join(', ') : '') || '—'}),
      el('td', {}, verdictBadge(d.verdict)),
      el('td', {text: toegekend}),
      el('td', {class: 'num', text: String(overrides)}));
  }

  async function loadDecisions(append = false) {
    const params = filterParams();
    if (append && nextBefore !== null) params.set('before', String(nextBefore));
    const status = $('#register-status');
    status.textContent = 'Bezig met zoeken…';
    try {
      const data = await api('GET', `/v1/decisions?${params}`);
      const list = Array.isArray(data) ? data : (data.decisions || []);
      lastDecisions = append ? lastDecisions.concat(list) : list;
      nextBefore = data && data.next_before !== undefined ? data.next_before
        : (list.length === 50 ? list[list.length - 1].id : null);
      const tbody = $('#register-tabel tbody');
      if (!append) tbody.replaceChildren();
      list.forEach((d) => tbody.append(decisionRow(d)));
      $('#btn-meer').hidden = nextBefore === null || nextBefore === undefined;
      status.textContent = lastDecisions.length
        ? `${lastDecisions.length} ${lastDecisions.length === 1 ? 'besluit' : 'besluiten'} gevonden.`
        : 'Geen besluiten gevonden met deze filters.';
    } catch (e) {
      status.textContent = `Zoeken is niet gelukt: ${e.message}`;
    }
  }

  $('#form-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadDecisions(false);
  });
  $('#btn-filter-reset').addEventListener('click', () => {
    $('#form-filter').reset();
    loadDecisions(false);
  });
  $('#btn-meer').addEventListener('click', () => loadDecisions(true));

  // ---------------------------------------------------------------------------------------------
  // Eén besluit: rapport, overrulingen, toekenningen, narekenen, toekennen en overrulen

  let currentDecision = null;

  // De aanvraag zoals ontvangen: {name, format, text} (ook een oudere vorm: tekst plus format).
  function submissionOf(decision) {
    const s = decision.submission;
    if (s && typeof s === 'object' && 'text' in s) {
      return {name: s.name || '', format: s.format || 'json', text: s.text, note: s.note};
    }
    if (typeof s === 'string') return {name: '', format: decision.format || 'json', text: s};
    return {name: '', format: 'json', text: s ? JSON.stringify(s, null, 2) : null};
  }

  function submissionObject(decision) {
    const sub = submissionOf(decision);
    if (sub.format !== 'json' || typeof sub.text !== 'string') return null;
    try { return JSON.parse(sub.text); } catch (e) { return null; }
  }

  // Thema van een initiatief, ook uit TOML-tekst (alleen deze ene sleutel).
  function themaOf(decision) {
    const obj = submissionObject(decision);
    if (obj && obj.initiatief && obj.initiatief.thema) return obj.initiatief.thema;
    const sub = submissionOf(decision);
    if (sub.format === 'toml' && typeof sub.text === 'string') {
      const m = /^\s*thema\s*=\s*"([^"]*)"/m.exec(sub.text);
      if (m) return m[1];
    }
    return '';
  }

  function bedragOf(decision) {
    const obj = submissionObject(decision);
    const b = obj && obj.initiatief && obj.initiatief.gevraagd_bedrag;
    let text = b !== undefined && b !== null ? String(b) : '';
    const sub = submissionOf(decision);
    if (!text && sub.format === 'toml' && typeof sub.text === 'string') {
      const m = /^\s*gevraagd_bedrag\s*=\s*([0-9_.]+)/m.exec(sub.text);
      if (m) text = m[1].replace(/_/g, '');
    }
    // 85000 of 85000.5 (zoals in de aanvraag) -> "85.000" of "85.000,50"
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
    if (!m) return '';
    const parsed = parseEuro(m[2] ? `${m[1]},${m[2]}` : m[1]);
    return parsed.cents !== undefined ? formatCents(parsed.cents).replace(/^€ /, '') : '';
  }


  function listSection(title, items, render, emptyText, cls) {
    return el('section', {class: `detail-section ${cls}`},
      el('h2', {text: title}),
      items.length ? el('ul', {class: 'plain-list'}, items.map(render)) : el('p', {class: 'muted', text: emptyText}));
  }

  function approvalItem(a) {
    return el('li', {class: 'approval'},
      el('strong', {text: formatCents(a.bedrag_cents)}), ` toegekend uit ${themaLabel(a.thema)}`,
      ` door ${a.door || 'onbekend'}, ${formatAt(a.at)}.`,
      a.toelichting ? el('span', {class: 'block'}, 'Toelichting: ', a.toelichting) : null);
  }

  function overrideItem(o) {
    return el('li', {class: 'override'},
      el('strong', {text: o.rule}), o.machine_outcome
        ? `: de regel zei ${(OUTCOMES[o.machine_outcome] || {label: o.machine_outcome}).label}, de uitkomst is nu `
        : ': de uitkomst is nu ', outcomeBadge(o.outcome),
      ` door ${o.door || 'onbekend'}, ${formatAt(o.at)}.`,
      el('span', {class: 'block'}, 'Motivatie: ', o.motivatie || ''));
  }

  function approveForm(decision) {
    const thema = themaOf(decision);
    const themaOptions = new Set(Object.keys(THEMAS));
    ledgerCache.forEach((r) => themaOptions.add(r.thema));
    if (thema) themaOptions.add(thema);
    const remaining = el('p', {class: 'remaining-line', 'aria-live': 'polite'});
    const showRemaining = () => {
      const t = f.elements.thema.value;
      const row = ledgerCache.find((r) => r.thema === t);
      remaining.textContent = row
        ? `Resterend uitvoeringsbudget ${themaLabel(t)}: ${formatCents(row.resterend)}.`
        : `Voor ${themaLabel(t)} is geen uitvoeringsbudget bekend: toekennen vraagt bestuurlijke instemming.`;
    };
    const f = el('form', {class: 'action-form', id: 'form-toekennen', novalidate: true},
      el('fieldset', {},
        el('legend', {text: 'Toekennen'}),
        el('p', {class: 'hint', text: 'Ken een bedrag toe uit het uitvoeringsbudget van een thema. Dit gaat direct van het resterende budget af.'}),
        el('div', {class: 'grid-2'},
          el('div', {class: 'field'},
            el('label', {for: 'a-bedrag', text: 'Bedrag in euro\'s'}),
            el('div', {class: 'money-input'}, el('span', {'aria-hidden': 'true', text: '€'}),
              el('input', {id: 'a-bedrag', name: 'bedrag', type: 'text', inputmode: 'decimal', autocomplete: 'off',
                required: true, 'aria-required': 'true', 'aria-describedby': 'a-bedrag-hint', value: bedragOf(decision)})),
            el('p', {id: 'a-bedrag-hint', class: 'hint', text: 'Bijvoorbeeld 85.000 of 12.500,50.'})),
          el('div', {class: 'field'},
            el('label', {for: 'a-thema', text: 'Thema'}),
            el('select', {id: 'a-thema', name: 'thema', required: true, 'aria-required': 'true'},
              Array.from(themaOptions).map((t) => el('option', {value: t, text: themaLabel(t), selected: t === thema}))))),
        remaining,
        el('div', {class: 'grid-2'},
          el('div', {class: 'field'},
            el('label', {for: 'a-door', text: 'Door (uw naam)'}),
            el('input', {id: 'a-door', name: 'door', type: 'text', autocomplete: 'name', required: true, 'aria-required': 'true'})),
          el('div', {class: 'field'},
            el('label', {for: 'a-toelichting', text: 'Toelichting'}),
            el('input', {id: 'a-toelichting', name: 'toelichting', type: 'text'}))),
        el('p', {class: 'form-error', id: 'a-fout', role: 'alert'}),
        el('button', {type: 'submit', class: 'primary', text: 'Toekennen'})));
    f.elements.thema.addEventListener('change', showRemaining);
    showRemaining();
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const err = $('#a-fout', f);
      err.textContent = '';
      const bedrag = parseEuro(f.elements.bedrag.value);
      const door = f.elements.door.value.trim();
      if (bedrag.empty || bedrag.error || bedrag.cents <= 0) {
        err.textContent = bedrag.error || 'Vul een bedrag in dat groter is dan nul.';
        f.elements.bedrag.setAttribute('aria-invalid', 'true');
        f.elements.bedrag.focus();
        return;
      }
      f.elements.bedrag.removeAttribute('aria-invalid');
      if (!door) {
        err.textContent = 'Vul uw naam in bij ‘Door’.';
        f.elements.door.focus();
        return;
      }
      const body = JSON.stringify({bedrag_cents: bedrag.cents, thema: f.elements.thema.value, door,
        toelichting: f.elements.toelichting.value.trim()});
      try {
        const before = await fetchLedger().catch(() => ledgerCache.slice());
        await api('POST', `/v1/decisions/${encodeURIComponent(decision.id)}/approve`, {body, auth: true});
        const after = await fetchLedger();
        const t = f.elements.thema.value;
        const b = before.find((r) => r.thema === t);
        const a = after.find((r) => r.thema === t);
        let msg = `${formatCents(bedrag.cents)} toegekend uit ${themaLabel(t)}.`;
        if (a) {
          msg += ` Resterend uitvoeringsbudget: ${b ? `was ${formatCents(b.resterend)}, ` : ''}nu ${formatCents(a.resterend)}.`;
        }
        ledgerBeforeApproval = before;
        await showDecision(decision.id, {ledgerBefore: before, message: msg});
        loadLedger();
      } catch (e) {
        err.textContent = e.message;
      }
    });
    return f;
  }

  function overrideForm(decision) {
    const rules = (decision.report && decision.report.rules) || [];
    const f = el('form', {class: 'action-form', id: 'form-overrulen', novalidate: true},
      el('fieldset', {},
        el('legend', {text: 'Overrulen'}),
        el('p', {class: 'hint', text: 'Bent u het niet eens met de uitkomst van een regel? Leg een andere uitkomst vast, met een schriftelijke motivatie. De uitkomst van de regel zelf blijft zichtbaar.'}),
        el('div', {class: 'grid-2'},
          el('div', {class: 'field'},
            el('label', {for: 'o-regel', text: 'Regel'}),
            el('select', {id: 'o-regel', name: 'rule', required: true, 'aria-required': 'true'},
              rules.map((r) => el('option', {value: r.id,
                text: `${r.id} — ${(OUTCOMES[r.outcome] || {}).label || r.outcome}: ${r.title}`})))),
          el('div', {class: 'field'},
            el('label', {for: 'o-uitkomst', text: 'Nieuwe uitkomst'}),
            el('select', {id: 'o-uitkomst', name: 'outcome', required: true, 'aria-required': 'true'},
              el('option', {value: 'pass', text: 'Voldoet'}),
              el('option', {value: 'fail', text: 'Voldoet niet'}),
              el('option', {value: 'skip', text: 'Niet van toepassing'})))),
        el('div', {class: 'field'},
          el('label', {for: 'o-motivatie'}, 'Motivatie ', el('span', {class: 'req-mark', 'aria-hidden': 'true', text: '*'})),
          el('textarea', {id: 'o-motivatie', name: 'motivatie', rows: '3', required: true, 'aria-required': 'true',
            'aria-describedby': 'o-motivatie-hint'}),
          el('p', {id: 'o-motivatie-hint', class: 'hint', text: 'Verplicht. Schrijf op waarom u afwijkt van de regel; dit komt in het register.'})),
        el('div', {class: 'field'},
          el('label', {for: 'o-door'}, 'Door (uw naam) ', el('span', {class: 'req-mark', 'aria-hidden': 'true', text: '*'})),
          el('input', {id: 'o-door', name: 'door', type: 'text', autocomplete: 'name', required: true, 'aria-required': 'true'})),
        el('p', {class: 'form-error', id: 'o-fout', role: 'alert'}),
        el('button', {type: 'submit', class: 'primary', text: 'Overruling vastleggen'})));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const err = $('#o-fout', f);
      err.textContent = '';
      const motivatie = f.elements.motivatie.value.trim();
      const door = f.elements.door.value.trim();
      if (!motivatie) {
        err.textContent = 'Een motivatie is verplicht.';
        f.elements.motivatie.setAttribute('aria-invalid', 'true');
        f.elements.motivatie.focus();
        return;
      }
      f.elements.motivatie.removeAttribute('aria-invalid');
      if (!door) {
        err.textContent = 'Vul uw naam in bij ‘Door’.';
        f.elements.door.focus();
        return;
      }
      const rule = f.elements.rule.value;
      const body = JSON.stringify({rule, outcome: f.elements.outcome.value, motivatie, door});
      try {
        await api('POST', `/v1/decisions/${encodeURIComponent(decision.id)}/overrides`, {body, auth: true});
        await showDecision(decision.id, {message: `Overruling van ${rule} vastgelegd.`});
      } catch (e) {
        err.textContent = e.message;
      }
    });
    return f;
  }

  function replayResult(r) {
    const ok = Boolean(r.reproduces);
    const box = el('div', {class: `replay-box ${ok ? 'replay-ok' : 'replay-diff'}`},
      el('p', {}, el('strong', {text: ok ? '✓ Reproduceert: ' : '✗ Reproduceert niet: '}),
        ok ? 'opnieuw toetsen met dezelfde aanvraag en dezelfde regels geeft hetzelfde oordeel en dezelfde uitkomsten.'
          : 'opnieuw toetsen geeft een ander resultaat. Zie de verschillen.'));
    const diffs = Array.isArray(r.differences) ? r.differences : [];
    const label = (o) => (OUTCOMES[o] || {label: o || '—'}).label;
    if (diffs.length) {
      box.append(el('ul', {class: 'differences'}, diffs.map((d) => el('li', {},
        typeof d === 'string' ? d
          : [el('strong', {text: `${d.rule || d.pack || 'Regel'}: `}),
            `was ${label(d.original_outcome)}, nu ${label(d.replay_outcome)}.`,
            d.original_message && d.original_message !== d.replay_message
              ? el('span', {class: 'block'}, `Eerst: ${d.original_message}`) : null,
            d.replay_message && d.original_message !== d.replay_message
              ? el('span', {class: 'block'}, `Nu: ${d.replay_message}`) : null]))));
    }
    const notes = Array.isArray(r.notes) ? r.notes : [];
    if (notes.length) box.append(el('ul', {class: 'notes'}, notes.map((n) => el('li', {text: n}))));
    const ov = r.original && (r.original.verdict || (r.original.report && r.original.report.verdict));
    const rv = r.replay && (r.replay.verdict || (r.replay.report && r.replay.report.verdict));
    if (ov || rv) {
      box.append(el('p', {}, 'Oorspronkelijk oordeel: ', ov ? verdictBadge(ov) : '—', '; nu: ', rv ? verdictBadge(rv) : '—'));
    }
    return box;
  }

  // Only the newest request may fill the view: an older answer arriving late (opening a decision,
  // then acting on it) would otherwise overwrite newer content, and buttons of a previous
  // rendering would stay clickable while the new one loads.
  let decisionRequest = 0;

  async function showDecision(id, options = {}) {
    const slot = $('#besluit-inhoud');
    const request = ++decisionRequest;
    slot.replaceChildren(el('p', {text: 'Besluit wordt geladen…'}));
    let d;
    try {
      [d] = await Promise.all([api('GET', `/v1/decisions/${encodeURIComponent(id)}`), fetchLedger().catch(() => null)]);
    } catch (e) {
      if (request !== decisionRequest) return;
      slot.replaceChildren(el('p', {class: 'error-text', text: `Besluit ${id} kon niet worden opgehaald: ${e.message}`}));
      return;
    }
    if (request !== decisionRequest) return;
    currentDecision = d;
    const report = d.report || {};
    $('#h-besluit').textContent = `Besluit ${d.id}: ${report.titel || d.titel || 'aanvraag'}`;
    const overrides = d.overrides || [];
    const approvals = d.approvals || [];

    const replaySlot = el('div', {class: 'replay-slot', 'aria-live': 'polite'});
    const reevalSlot = el('div', {class: 'reeval-slot', 'aria-live': 'polite'});
    const statusLine = el('p', {class: 'action-status', role: 'status', 'aria-live': 'polite', text: options.message || ''});

    const replayButton = el('button', {type: 'button', class: 'secondary', text: 'Narekenen (reproduceert het?)'});
    replayButton.addEventListener('click', async () => {
      replaySlot.replaceChildren(el('p', {text: 'Bezig met narekenen…'}));
      try {
        replaySlot.replaceChildren(replayResult(await api('POST', `/v1/decisions/${encodeURIComponent(d.id)}/replay`)));
      } catch (e) {
        replaySlot.replaceChildren(el('p', {class: 'error-text', text: `Narekenen is niet gelukt: ${e.message}`}));
      }
    });

    const reevalButton = el('button', {type: 'button', class: 'secondary', text: 'Opnieuw toetsen met de huidige stand'});
    reevalButton.addEventListener('click', async () => {
      reevalSlot.replaceChildren(el('p', {text: 'Bezig met opnieuw toetsen…'}));
      try {
        const sub = submissionOf(d);
        if (typeof sub.text !== 'string') throw new Error(sub.note || 'De aanvraag is niet als tekst bewaard.');
        // Dezelfde pakketten als de eerste keer, als die toen zijn genoemd; anders kiest de aanvraag.
        const asked = Array.isArray(d.requested_packs) ? d.requested_packs : [];
        const r = await evaluate(sub.text, sub.format === 'toml' ? 'application/toml' : 'application/json',
          asked.length === 1 ? asked[0] : '', sub.name);
        reevalSlot.replaceChildren(el('section', {class: 'reeval', 'aria-labelledby': 'h-reeval'},
          el('h2', {id: 'h-reeval', tabindex: '-1', text: 'Opnieuw getoetst'}),
          el('p', {class: 'hint', text: 'Dezelfde aanvraag, getoetst met de regels en het budget van nu. Dit is vastgelegd als een nieuw besluit.'}),
          renderReport(r, {headingLevel: 3}), decisionLine(r) || '', resultActions(r)));
        $('#h-reeval').focus();
      } catch (e) {
        reevalSlot.replaceChildren(el('p', {class: 'error-text', text: `Opnieuw toetsen is niet gelukt: ${e.message}`}));
      }
    });

    const printButton = el('button', {type: 'button', class: 'secondary', text: 'Afdrukken', onclick: () => window.print()});

    const ledgerRows = ledgerCache.filter((r) => !report.regio || !r.regio || r.regio === report.regio);

    slot.replaceChildren(
      el('p', {class: 'decision-meta'},
        `Vastgelegd op ${formatAt(d.at)}`, report.file ? ['. Bestand: ', el('code', {text: report.file})] : '', '.'),
      statusLine,
      el('div', {class: 'detail-actions no-print'}, printButton, replayButton, reevalButton),
      replaySlot,
      el('section', {class: 'detail-section', 'aria-labelledby': 'h-uitslag'},
        el('h2', {id: 'h-uitslag', text: 'Uitslag'}),
        renderReport(report, {headingLevel: 3, overrides})),
      listSection('Overrulingen', overrides, overrideItem, 'Geen overrulingen: de uitkomsten van de regels gelden.', 'overrides-section'),
      listSection('Toekenningen', approvals, approvalItem, 'Nog niets toegekend.', 'approvals-section'),
      reevalSlot,
      el('section', {class: 'detail-section no-print', 'aria-labelledby': 'h-acties'},
        el('h2', {id: 'h-acties', text: 'Toekennen en overrulen'}),
        sessionStorage.getItem(TOKEN_KEY) ? null
          : el('p', {class: 'hint warn', text: 'Vul bovenaan de pagina de schrijfsleutel in om toe te kennen of te overrulen.'}),
        ledgerRows.length ? ledgerTable(ledgerRows, options.ledgerBefore, 'Uitvoeringsbudget nu') : null,
        el('div', {class: 'action-forms'},
          approvals.length
            ? el('div', {class: 'action-form'}, el('fieldset', {}, el('legend', {text: 'Toekennen'}),
              el('p', {text: `Dit besluit is al toegekend: ${formatCents(approvals[0].bedrag_cents)} uit ${themaLabel(approvals[0].thema)}.`})))
            : report.verdict === 'ongeldig'
              ? el('div', {class: 'action-form'}, el('fieldset', {}, el('legend', {text: 'Toekennen'}),
                el('p', {text: 'Een ongeldige aanvraag kan niet worden toegekend.'})))
              : approveForm(d),
          (report.rules || []).length ? overrideForm(d) : null)),
      el('details', {class: 'submission-details'},
        el('summary', {text: `Ingediende aanvraag (${submissionOf(d).format.toUpperCase()}${submissionOf(d).name ? ', ' + submissionOf(d).name : ''})`}),
        el('pre', {class: 'submission-text', tabindex: '0', text: submissionOf(d).text ?? submissionOf(d).note ?? ''})),
      el('p', {class: 'hash-line'}, 'Vingerafdruk van dit besluit: ', el('code', {class: 'hash', text: d.hash || '—'}),
        d.prev_hash ? ['; sluit aan op ', el('code', {class: 'hash', text: d.prev_hash})] : ''));
  }

  // ---------------------------------------------------------------------------------------------
  // Schrijfsleutel

  const tokenInput = $('#token');
  function showTokenStatus() {
    const has = Boolean(sessionStorage.getItem(TOKEN_KEY));
    $('#token-status').textContent = has
      ? 'Ingevuld voor dit tabblad.'
      : 'Niet ingevuld. De sleutel blijft alleen in dit tabblad bewaard.';
  }
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
  tokenInput.addEventListener('input', () => {
    const v = tokenInput.value.trim();
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
    showTokenStatus();
  });
  $('#token-clear').addEventListener('click', () => {
    tokenInput.value = '';
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenStatus();
    tokenInput.focus();
  });
  showTokenStatus();

  // ---------------------------------------------------------------------------------------------
  // Navigatie tussen de onderdelen (#nieuw, #bestand, #register, #besluit/ID, #budget, #pakketten)

  const VIEWS = ['nieuw', 'bestand', 'register', 'besluit', 'budget', 'pakketten'];
  let firstRoute = true;

  function route() {
    const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
    let [view, arg] = hash.split('/');
    if (!VIEWS.includes(view)) {
      if (!firstRoute) return;  // een anker binnen de pagina, geen ander onderdeel
      view = 'nieuw';
    }
    for (const v of VIEWS) $(`#view-${v}`).hidden = v !== view;
    $$('.main-nav a').forEach((a) => {
      const active = a.dataset.view === view || (view === 'besluit' && a.dataset.view === 'register');
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    const titles = {nieuw: 'Nieuw initiatief', bestand: 'Bestand toetsen', register: 'Besluitenregister',
      besluit: 'Besluit', budget: 'Uitvoeringsbudget', pakketten: 'Regelpakketten'};
    document.title = `${titles[view]} — Meetlat`;
    if (view === 'register') loadDecisions(false);
    if (view === 'budget') loadLedger();
    if (view === 'pakketten') loadPacks();
    if (view === 'besluit' && arg) showDecision(arg);
    if (!firstRoute) {
      const heading = $(`#h-${view}`);
      if (heading) heading.focus();
    }
    firstRoute = false;
  }

  window.addEventListener('hashchange', route);

  // 'Naar de inhoud' verplaatst alleen de focus; het adres (en dus het onderdeel) blijft.
  $('.skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    $('#inhoud').focus();
  });

  // ---------------------------------------------------------------------------------------------
  // Start

  $('#f-ingediend').value = todayIso();
  loadPacks();
  fetchLedger().catch(() => {});
  route();

  // Voor de browsertest en voor wie in de console wil rekenen.
  window.meetlat = {parseEuro, formatCents, centsToDecimalText, countWords};
})();
