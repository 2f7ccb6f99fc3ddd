// Browser test of the web page of `meetlat serve`, as a kwartiermaker uses it: Debian's system
// Chromium, driven by playwright-core (no browser download), headless.
//
//   node tests/browser/meetlat.spec.mjs path/to/meetlat
//
// Starts `meetlat serve` on a free port with a temporary decision log and a known write token,
// then goes through the page: fills in the meetlat form for an initiative that passes and for
// one that fails a blocking question, uploads an example TOML, approves an amount and checks
// that the remaining budget of its thema goes down by exactly that amount, re-evaluates an
// initiative that no longer fits (ML-08), overrides a rule with a motivation, replays a decision,
// filters the history, prints a decision on A4, and fills in the whole form with the keyboard
// only. Screenshots (and the printed PDF) go to $MEETLAT_SCREENSHOT_DIR, else a temporary folder
// whose name is printed. Ends with "N passed, N failed".
//
// Environment: CHROMIUM (default /usr/bin/chromium), MEETLAT_SCREENSHOT_DIR, MEETLAT_BROWSER_KEEP=1
// (keep the decision log and the server's output), MEETLAT_WEB_DIR (serve the page from this
// folder, `serve --web-dir`, instead of the copy compiled in), MEETLAT_BROWSER_URL (test a server
// that is already running instead of starting one).
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {chromium} from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const meetlat = process.argv[2];
if (!meetlat) {
  console.error('usage: node meetlat.spec.mjs path/to/meetlat');
  process.exit(2);
}
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  console.error(`Chromium not found at ${chromiumPath} (Debian package 'chromium'; scripts/setup.sh installs it)`);
  process.exit(2);
}

const TOKEN = 'browser-test-schrijfsleutel';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meetlat-browser-'));
const shots = process.env.MEETLAT_SCREENSHOT_DIR || path.join(tmp, 'screenshots');
fs.mkdirSync(shots, {recursive: true});
for (const f of fs.readdirSync(shots)) {  // an earlier run's pictures
  if (/^\d\d-.*\.png$|^besluit-a4\.pdf$/.test(f)) fs.rmSync(path.join(shots, f));
}

// ------------------------------------------------------------------------------------------------
// The server

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A small extra pack in a folder of its own, so that the test can break it while the server
// runs and see the reload error on the page.
const packsDir = path.join(tmp, 'packs');
const proefRule = path.join(packsDir, 'proefpakket', 'rules', 'proef.lua');
function writeProefpakket() {
  fs.mkdirSync(path.dirname(proefRule), {recursive: true});
  fs.writeFileSync(path.join(packsDir, 'proefpakket', 'pack.toml'), [
    '[pack]', 'name = "proefpakket"', 'version = "1.0.0"', 'title = "Proefpakket van de browsertest"', '',
    '[applies_to]', 'soort = ["initiatief"]', 'regio = ["Proefregio"]', ''].join('\n'));
  fs.writeFileSync(proefRule, [
    'rule {', '  id = "PR-01",', '  title = "Proefregel",', '  severity = "advisory",',
    '  source = "browsertest",', '  quote = "Een regel om het herladen te laten zien.",',
    '  check = function(s, p) return pass("In orde.") end,', '}', ''].join('\n'));
}

async function startServer() {
  if (process.env.MEETLAT_BROWSER_URL) return {child: null, base: process.env.MEETLAT_BROWSER_URL};
  writeProefpakket();
  const port = await freePort();
  const db = path.join(tmp, 'besluiten.db');
  const log = fs.openSync(path.join(tmp, 'serve.log'), 'w');
  // The page compiled into the binary, unless MEETLAT_WEB_DIR names a folder to serve instead.
  const web = process.env.MEETLAT_WEB_DIR ? ['--web-dir', process.env.MEETLAT_WEB_DIR] : [];
  const child = spawn(meetlat, ['serve', '--port', String(port), '--db', db, '--token', TOKEN,
    '--rules-path', packsDir, '--reload-interval', '200', ...web], {
    cwd: repo,
    stdio: ['ignore', log, log],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`meetlat serve stopped (status ${child.exitCode}):\n${fs.readFileSync(path.join(tmp, 'serve.log'), 'utf8')}`);
    }
    try {
      const r = await fetch(`${base}/v1/packs`);
      if (r.ok) break;
    } catch (e) { /* not yet listening */ }
    if (Date.now() > deadline) throw new Error('meetlat serve did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 150));
  }
  return {child, base};
}

// ------------------------------------------------------------------------------------------------
// Test data: two initiatives from examples/ijsselland, typed into the form.

const WAC = {
  titel: 'Regionale uitrol Wrap around care in de elf gemeenten',
  indiener: 'Projectgroep Wrap around care regio IJsselland',
  ingediend: '2020-06-08',
  omschrijving: 'Uitrol van de werkwijze Wrap around care (WAC) naar de toegangen van alle elf gemeenten: training, WAC-coaches per subregio en een regionale leergemeenschap.',
  thema: 'ambulantisering',
  bedrag: '85.000',
  resultaten: ['In juli 2022 werken de toegangen van alle elf gemeenten met de WAC-werkwijze',
    'Kinderen en jongeren verblijven aantoonbaar meer in hun eigen leefomgeving'],
  nulmeting: 'Aantal opnames en gemiddelde verblijfsduur in jeugdhulp en Jeugdggz over 2019, per gemeente, uit de RIJM.',
  q1: ['gezond', 'veilig'],
  q1t: 'Met één plan en één regisseur houdt het gezin grip op het eigen leven; het kind groeit veilig en gezond op in de eigen omgeving.',
  q2: ['normaliseren', 'lasten'],
  q2t: 'Zorg dichter bij het kind en zoveel mogelijk ambulant, met het eigen netwerk erbij. Eén plan voor het hele gezin.',
  q3: 'ambulantisering',
  q3t: 'WAC is een van de projecten onder ambulantisering: de zorg wordt in de eigen sociale omgeving georganiseerd.',
  q4: 'ja',
  q4t: 'Nieuw is de uitrol naar de toegangen van alle elf gemeenten met één gezamenlijke werkwijze.',
  q5: 'ja',
  q5t: 'Toegangen, jeugdhulpaanbieders, welzijn en informele steun leren samen in een regionale leergemeenschap.',
  q6: 'ja',
  q6t: 'De vraag van het gezin, de eigen kracht en het eigen netwerk staan centraal, in lijn met positieve gezondheid.',
};

const SPOEDHULP = {
  ...WAC,
  titel: 'Avond- en weekendbereikbaarheid ambulant spoedhulpteam',
  indiener: 'Ambulant spoedhulpteam regio IJsselland',
  ingediend: '2020-05-11',
  omschrijving: 'Uitbreiding van de formatie van het ambulante spoedhulpteam met twee medewerkers voor avond- en weekenddiensten.',
  bedrag: '40.000',
  q5: 'nee',
  q5t: 'Nee. Het voorstel vraagt alleen extra formatie voor avond- en weekenddiensten; een gezamenlijk leertraject is er niet aan gekoppeld.',
};

const Q2_IDS = {normaliseren: 'q2-normaliseren', beheersing: 'q2-beheersing', lasten: 'q2-lasten', vertrouwen: 'q2-vertrouwen'};
const Q3_IDS = {ambulantisering: 'q3-ambulantisering', 'kennisdeling-onderwijs': 'q3-kennisdeling', geen: 'q3-geen'};

async function fillForm(page, d) {
  await page.click('#btn-leegmaken');
  await page.fill('#f-titel', d.titel);
  await page.fill('#f-indiener', d.indiener);
  await page.fill('#f-ingediend', d.ingediend);
  await page.fill('#f-omschrijving', d.omschrijving);
  await page.selectOption('#f-thema', d.thema);
  await page.fill('#f-bedrag', d.bedrag);
  await page.fill('#f-resultaten', d.resultaten.join('\n'));
  await page.fill('#f-nulmeting', d.nulmeting);
  for (const v of d.q1) await page.check(`#q1-${v}`);
  await page.fill('#q1-toelichting', d.q1t);
  for (const v of d.q2) await page.check(`#${Q2_IDS[v]}`);
  await page.fill('#q2-toelichting', d.q2t);
  await page.check(`#${Q3_IDS[d.q3]}`);
  await page.fill('#q3-toelichting', d.q3t);
  await page.check(`#q4-${d.q4}`);
  await page.fill('#q4-toelichting', d.q4t);
  await page.check(`#q5-${d.q5}`);
  await page.fill('#q5-toelichting', d.q5t);
  await page.check(`#q6-${d.q6}`);
  await page.fill('#q6-toelichting', d.q6t);
}

// "€ 49.999,50" -> 4999950 (the test's own parser, independent of the page's)
function cents(text) {
  const m = /(−|-)?\s*€\s*([\d.]+)(?:,(\d{2}))?/.exec(text);
  assert.ok(m, `no amount in "${text}"`);
  const v = Number(m[2].replace(/\./g, '')) * 100 + Number(m[3] || 0);
  return m[1] ? -v : v;
}

// ------------------------------------------------------------------------------------------------
// Running the steps

let passed = 0;
let failed = 0;
let shotNo = 0;

async function shot(page, name, options = {}) {
  const file = path.join(shots, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({path: file, fullPage: true, ...options});
  return file;
}

async function step(name, page, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok ${passed + failed} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${passed + failed} - ${name}\n  ${String(e && e.stack || e).split('\n').join('\n  ')}`);
    try { await shot(page, `FOUT-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`); } catch (e2) { /* ignore */ }
    // The next steps still run: most do not depend on this one, and those that do fail too.
  }
}

async function verdictWord(page, scope) {
  const box = page.locator(`${scope} .verdict-box`).first();
  await box.waitFor();
  return {verdict: await box.getAttribute('data-verdict'), word: (await box.locator('.verdict-word').textContent()).trim()};
}

async function main() {
  const {child, base} = await startServer();
  const args = ['--headless=new', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--lang=nl-NL'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  const browser = await chromium.launch({executablePath: chromiumPath, headless: false, args});
  const context = await browser.newContext({viewport: {width: 1280, height: 900}, locale: 'nl-NL'});
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.setDefaultTimeout(15000);

  const ids = {};  // decision ids by name
  try {
    await step('the page loads in Dutch, with pack status and no script or CSP errors', page, async () => {
      await page.goto(`${base}/`);
      assert.equal(await page.getAttribute('html', 'lang'), 'nl');
      await page.locator('#h-nieuw').waitFor();
      await page.click('a[data-view="pakketten"]');
      await page.locator('#packs-slot tr[data-pack="ijsselland-meetlat"]').waitFor();
      const text = await page.locator('#packs-slot').textContent();
      assert.match(text, /ijsselland-meetlat/);
      assert.match(text, /sha256:/);
      await shot(page, 'regelpakketten');
      // The page the binary serves is the one in web/ (else the binary is older than web/).
      for (const file of ['index.html', 'app.js', 'style.css']) {
        const served = await (await fetch(`${base}/${file}`)).text();
        assert.ok(served === fs.readFileSync(path.join(repo, 'web', file), 'utf8'),
          `${file} served by meetlat differs from web/${file}: rebuild meetlat`);
      }
      const csp = (await fetch(`${base}/`)).headers.get('content-security-policy') || '';
      assert.match(csp, /script-src 'self'/);
      assert.deepEqual(problems, []);
    });

    await step('an initiative that passes: verdict "Voldoet" and a reason per question', page, async () => {
      await page.click('a[data-view="nieuw"]');
      await fillForm(page, WAC);
      await shot(page, 'formulier-ingevuld');
      await page.click('#btn-toetsen');
      const v = await verdictWord(page, '#resultaat-nieuw');
      assert.equal(v.verdict, 'voldoet');
      assert.equal(v.word, 'Voldoet');
      for (const id of ['ML-01', 'ML-02', 'ML-03', 'ML-04', 'ML-05', 'ML-06', 'ML-07', 'ML-08']) {
        const card = page.locator(`#resultaat-nieuw article.rule[data-rule="${id}"]`);
        assert.equal(await card.getAttribute('data-outcome'), 'pass', id);
        assert.ok((await card.locator('.rule-message').textContent()).trim().length > 5, `${id} has a reason`);
        assert.ok((await card.locator('blockquote').textContent()).length > 20, `${id} cites the policy text`);
        assert.ok((await card.locator('cite').textContent()).includes('004'), `${id} names its source`);
      }
      const q1 = await page.locator('fieldset[data-rule="ML-01"] .question-status').textContent();
      assert.match(q1, /Voldoet/);
      assert.match(q1, /gezond, veilig/);
      assert.match(await page.locator('#resultaat-nieuw .mandate-box').textContent(), /Binnen het mandaat/);
      assert.match(await page.locator('#form-status').textContent(), /Voldoet/);
      const href = await page.locator('#resultaat-nieuw .result-actions a').getAttribute('href');
      ids.wac = href.split('/').pop();
      await shot(page, 'uitslag-voldoet');
    });

    await step('an initiative that fails a blocking question: "Voldoet niet", and which question', page, async () => {
      await fillForm(page, SPOEDHULP);
      await page.click('#btn-toetsen');
      const v = await verdictWord(page, '#resultaat-nieuw');
      assert.equal(v.verdict, 'voldoet_niet');
      assert.equal(v.word, 'Voldoet niet');
      const card = page.locator('#resultaat-nieuw article.rule[data-rule="ML-05"]');
      assert.equal(await card.getAttribute('data-outcome'), 'fail');
      assert.match(await card.textContent(), /blokkerend/);
      assert.match(await card.textContent(), /lerend samenwerken/);
      // The finding sits at the question in the form, too.
      const q5 = page.locator('fieldset[data-rule="ML-05"]');
      assert.match(await q5.locator('.field-error').first().textContent(), /ML-05/);
      assert.equal(await page.getAttribute('#q5-ja', 'aria-invalid'), 'true');
      assert.match(await page.locator('#form-status').textContent(), /ML-05/);
      for (const id of ['ML-01', 'ML-02', 'ML-03', 'ML-06']) {
        assert.equal(await page.locator(`#resultaat-nieuw article.rule[data-rule="${id}"]`).getAttribute('data-outcome'), 'pass', id);
      }
      const href = await page.locator('#resultaat-nieuw .result-actions a').getAttribute('href');
      ids.spoed = href.split('/').pop();
      await shot(page, 'uitslag-voldoet-niet');
    });

    await step('amounts written the Dutch way become whole cents, exactly', page, async () => {
      const cases = {
        '30.000': 3000000, '30000': 3000000, '12.500,50': 1250050, '€ 1.234,5': 123450, '0,01': 1,
        '85.000,-': 8500000, '€\u00a0250.000,50': 25000050, '9.999.999.999,99': 999999999999,
        '10.000.000.000': 1000000000000,
        '12,345': null, '1.23': null, '1,2,3': null, '-5': null, '10.000.000.000,01': null, 'tien': null,
      };
      const got = await page.evaluate((inputs) => Object.fromEntries(inputs.map((t) => {
        const r = window.meetlat.parseEuro(t);
        return [t, r.error ? null : r.cents];
      })), Object.keys(cases));
      assert.deepEqual(got, cases);
      assert.equal(await page.evaluate(() => window.meetlat.formatCents(25000050)), '€ 250.000,50');
      assert.equal(await page.evaluate(() => window.meetlat.centsToDecimalText(999999999999)), '9999999999.99');
    });

    await step('an amount written wrongly is caught at its field, before sending', page, async () => {
      await page.fill('#f-bedrag', '12,345');
      await page.click('#btn-toetsen');
      const err = page.locator('[data-path="initiatief.gevraagd_bedrag"] .field-error');
      await err.waitFor();
      assert.match(await err.textContent(), /twee cijfers achter de komma/);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-bedrag');
    });

    await step('an input error from the server is shown at its field', page, async () => {
      await fillForm(page, WAC);
      await page.fill('#f-titel', '   ');  // only spaces: the client sends no titel
      await page.click('#btn-toetsen');
      // The page itself asks for a title first …
      assert.match(await page.locator('[data-path="aanvraag.titel"] .field-error').textContent(), /titel/);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-titel');
      // … and a date the server cannot read comes back as an input error at the date field.
      await page.fill('#f-titel', WAC.titel);
      await page.evaluate(() => { document.querySelector('#f-ingediend').type = 'text'; });
      await page.fill('#f-ingediend', '2020-02-30');
      await page.click('#btn-toetsen');
      const v = await verdictWord(page, '#resultaat-nieuw');
      assert.equal(v.verdict, 'ongeldig');
      assert.equal(v.word, 'Ongeldig');
      const item = page.locator('#resultaat-nieuw li.input-error[data-path="aanvraag.ingediend"]');
      assert.match(await item.textContent(), /ingediend|datum/i);
      await item.locator('button').click();  // "go to the field"
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-ingediend');
      assert.match(await page.locator('[data-path="aanvraag.ingediend"] .field-error').textContent(), /./);
      await shot(page, 'invoerfout');
      await page.evaluate(() => { document.querySelector('#f-ingediend').type = 'date'; });
    });

    await step('a TOML file from examples/ is uploaded and reported the same way', page, async () => {
      await page.click('a[data-view="bestand"]');
      await page.setInputFiles('#u-bestand', path.join(repo, 'examples/ijsselland/initiatief-voldoet.toml'));
      await page.click('#btn-upload');
      const v = await verdictWord(page, '#resultaat-bestand');
      assert.equal(v.verdict, 'voldoet');
      assert.match(await page.locator('#resultaat-bestand').textContent(), /THINK op school/);
      assert.equal(await page.locator('#resultaat-bestand article.rule').count(), 8);
      await shot(page, 'bestand-toml');
      // A plan from another regeling, with a budget table: its report shows the failing BG rules.
      await page.setInputFiles('#u-bestand', path.join(repo, 'examples/ijsselland/plan-van-aanpak.toml'));
      await page.click('#btn-upload');
      await page.locator('#resultaat-bestand .file-line', {hasText: 'plan-van-aanpak.toml'}).waitFor();
      const plan = await verdictWord(page, '#resultaat-bestand');
      assert.equal(plan.verdict, 'voldoet_niet');
      assert.equal(await page.locator('#resultaat-bestand article.rule[data-rule="BG-01"]').getAttribute('data-outcome'), 'fail');
      await shot(page, 'bestand-plan-van-aanpak');
    });

    let approvedCents = 0;
    await step('approving an amount lowers the remaining budget of its thema by exactly that amount', page, async () => {
      await page.goto(`${base}/#budget`);
      const row = page.locator('#ledger-slot tr[data-thema="ambulantisering"]');
      await row.waitFor();
      const before = Number(await row.locator('td.resterend').getAttribute('data-cents'));
      assert.equal(cents(await row.locator('td.resterend').textContent()), before);

      await page.goto(`${base}/#besluit/${ids.wac}`);
      await page.locator('#form-toekennen').waitFor();
      await page.fill('#token', TOKEN);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('meetlat.schrijfsleutel')), TOKEN);
      await page.fill('#a-bedrag', '250.000,50');
      approvedCents = 25000050;
      await page.selectOption('#a-thema', 'ambulantisering');
      await page.fill('#a-door', 'L. Kievit');
      await page.fill('#a-toelichting', 'Eerste fase van de uitrol');
      await page.click('#form-toekennen button[type="submit"]');
      await page.locator('.approvals-section li.approval').waitFor();
      assert.match(await page.locator('.approvals-section').textContent(), /€ 250\.000,50/);
      const status = await page.locator('.action-status').textContent();
      assert.match(status, /toegekend/);
      const detailRow = page.locator('#besluit-inhoud tr[data-thema="ambulantisering"]');
      const afterDetail = Number(await detailRow.locator('td.resterend').getAttribute('data-cents'));
      assert.equal(before - afterDetail, approvedCents);
      assert.equal(cents(await detailRow.locator('td.was').textContent()), before);
      await shot(page, 'toegekend');

      await page.goto(`${base}/#budget`);
      await row.waitFor();
      const after = Number(await row.locator('td.resterend').getAttribute('data-cents'));
      assert.equal(before - after, approvedCents);
      assert.equal(cents(await row.locator('td.resterend').textContent()), after);
      assert.equal(cents(await row.locator('td.was').textContent()), before);
      await shot(page, 'budget-na-toekenning');
    });

    await step('re-evaluating an initiative that no longer fits: ML-08 says it is outside the mandate', page, async () => {
      await page.goto(`${base}/#besluit/${ids.wac}`);
      await page.getByRole('button', {name: 'Opnieuw toetsen met de huidige stand'}).click();
      const card = page.locator('.reeval-slot article.rule[data-rule="ML-08"]');
      await card.waitFor();
      assert.equal(await card.getAttribute('data-outcome'), 'fail');
      const msg = await card.locator('.rule-message').textContent();
      assert.match(msg, /€ 85\.000/);
      assert.match(msg, /GR-route/);
      assert.match(msg, /€ 49\.999,50/);
      assert.match(await page.locator('.reeval-slot .mandate-box').textContent(), /Buiten het mandaat/);
      assert.equal((await verdictWord(page, '.reeval-slot')).verdict, 'voldoet_met_aandachtspunten');
      await shot(page, 'opnieuw-getoetst-buiten-mandaat');
    });

    await step('an override needs a motivation and is shown beside the machine outcome', page, async () => {
      await page.goto(`${base}/#besluit/${ids.spoed}`);
      await page.locator('#form-overrulen').waitFor();
      await page.selectOption('#o-regel', 'ML-05');
      await page.selectOption('#o-uitkomst', 'pass');
      await page.fill('#o-door', 'L. Kievit');
      await page.click('#form-overrulen button[type="submit"]');
      assert.match(await page.locator('#o-fout').textContent(), /motivatie is verplicht/i);
      const motivatie = 'Het team sluit aan bij de regionale leergemeenschap van WAC; dat is in het overleg van 12 mei afgesproken.';
      await page.fill('#o-motivatie', motivatie);
      await page.click('#form-overrulen button[type="submit"]');
      const card = page.locator('#besluit-inhoud .detail-section article.rule[data-rule="ML-05"]');
      await card.locator('.override-box').waitFor();
      assert.equal(await card.getAttribute('data-outcome'), 'fail');  // the machine's outcome stays
      assert.match(await card.locator('.machine-outcome').textContent(), /Voldoet niet/);
      assert.match(await card.locator('.override-box').textContent(), /Voldoet/);
      assert.match(await card.locator('.override-box').textContent(), /regionale leergemeenschap/);
      assert.match(await page.locator('.overrides-section').textContent(), /L\. Kievit/);
      await shot(page, 'overruled');
    });

    await step('replaying a decision shows that it reproduces', page, async () => {
      await page.goto(`${base}/#besluit/${ids.wac}`);
      await page.getByRole('button', {name: /Narekenen/}).click();
      const box = page.locator('.replay-box');
      await box.waitFor();
      assert.match(await box.textContent(), /Reproduceert:/);
    });

    await step('the decision history filters on verdict, text and dates', page, async () => {
      await page.goto(`${base}/#register`);
      const rows = page.locator('#register-tabel tbody tr');
      await rows.first().waitFor();
      const all = await rows.count();
      assert.ok(all >= 5, `at least 5 decisions, got ${all}`);
      await shot(page, 'register');
      await page.selectOption('#r-verdict', 'voldoet_niet');
      await page.click('#btn-filter');
      await page.waitForFunction(() => Array.from(document.querySelectorAll('#register-tabel tbody tr'))
        .every((r) => r.dataset.verdict === 'voldoet_niet'));
      const texts = await rows.allTextContents();
      assert.ok(texts.some((t) => t.includes('spoedhulpteam')), 'the failing initiative is listed');
      assert.ok(!texts.some((t) => t.includes('Wrap around care')), 'passing ones are not');
      await page.click('#btn-filter-reset');
      await page.fill('#r-q', 'THINK');
      await page.click('#btn-filter');
      await page.waitForFunction(() => document.querySelectorAll('#register-tabel tbody tr').length === 1);
      assert.match(await rows.first().textContent(), /THINK op school/);
      await page.fill('#r-q', '');
      await page.fill('#r-from', '2999-01-01');
      await page.click('#btn-filter');
      await page.waitForFunction(() => document.querySelectorAll('#register-tabel tbody tr').length === 0);
      assert.match(await page.locator('#register-status').textContent(), /Geen besluiten/);
      await page.click('#btn-filter-reset');
      await page.waitForFunction((n) => document.querySelectorAll('#register-tabel tbody tr').length === n, all);
      await rows.locator('a', {hasText: 'spoedhulpteam'}).first().click();
      await page.locator('#besluit-inhoud .override-box').waitFor();
    });

    await step('one decision prints on A4 without menus or forms', page, async () => {
      await page.goto(`${base}/#besluit/${ids.spoed}`);
      await page.locator('#besluit-inhoud .report').waitFor();
      await page.emulateMedia({media: 'print'});
      assert.equal(await page.locator('.main-nav').isVisible(), false);
      assert.equal(await page.locator('#form-overrulen').isVisible(), false);
      assert.equal(await page.locator('#besluit-inhoud .verdict-box').isVisible(), true);
      await shot(page, 'afdruk');
      await page.pdf({path: path.join(shots, 'besluit-a4.pdf'), format: 'A4', printBackground: true, preferCSSPageSize: true});
      await page.emulateMedia({media: 'screen'});
    });

    await step('a pack that breaks while the server runs shows its reload error', page, async () => {
      if (!fs.existsSync(proefRule)) return;  // MEETLAT_BROWSER_URL: not our server
      await page.goto(`${base}/#pakketten`);
      await page.locator('#packs-slot tr[data-pack="proefpakket"]').waitFor();
      assert.equal(await page.locator('#pack-badge').isVisible(), false);
      // Waits until the server's list of load errors satisfies `ok` (the reload polls the files).
      const untilErrors = async (ok, what) => {
        const deadline = Date.now() + 15000;
        for (;;) {
          const data = await (await fetch(`${base}/v1/packs`)).json();
          if (ok(data.errors || [])) return;
          assert.ok(Date.now() < deadline, `the server did not ${what} within 15 s`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      fs.writeFileSync(proefRule, 'rule {\n  id = "PR-01",\n  check = function(s, p) return pass("x") \n');
      await untilErrors((errors) => errors.some((e) => e.pack === 'proefpakket' || /proef/.test(e.file || '')),
        'report the broken pack');
      await page.click('#btn-packs-verversen');
      const errors = page.locator('#packs-slot .pack-errors');
      await errors.waitFor();
      assert.match(await errors.textContent(), /proef/);
      assert.match(await page.locator('#pack-badge').textContent(), /1 fout/);
      await shot(page, 'herlaadfout');
      writeProefpakket();  // repaired: the error goes away again
      await untilErrors((errors) => errors.length === 0, 'drop the error of the repaired pack');
      await page.click('#btn-packs-verversen');
      await page.locator('#packs-slot .ok-text').waitFor();
      assert.equal(await page.locator('#pack-badge').isVisible(), false);
    });

    await step('the form can be filled in and sent with the keyboard only, with visible focus', page, async () => {
      await page.goto(`${base}/#nieuw`);
      await page.reload();
      await page.locator('#f-titel').waitFor();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'inhoud');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-titel');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'focus is visible');

      // Tab forward to an element, counting the stops: every stop must be a form control in order.
      const tabTo = async (id, max = 6) => {
        for (let i = 0; i < max; i++) {
          await page.keyboard.press('Tab');
          if (await page.evaluate((x) => document.activeElement.id === x, id)) return;
        }
        throw new Error(`Tab did not reach #${id}; focus is on #${await page.evaluate(() => document.activeElement.id)}`);
      };
      const type = (text) => page.keyboard.type(text);
      await type('Toetsenbord-initiatief Buurtgezinnen');
      await tabTo('f-indiener'); await type('Stichting Buurtgezinnen');
      // The date of submission is today unless changed; Tab passes through its day, month and year.
      await tabTo('f-ingediend', 2);
      await tabTo('f-regio', 4);
      await tabTo('f-omschrijving'); await type('Overbelaste gezinnen koppelen aan steungezinnen in de buurt.');
      await tabTo('f-thema'); await page.keyboard.press('ArrowDown');
      await tabTo('f-bedrag'); await type('30.000');
      await tabTo('f-resultaten'); await type('20 vraaggezinnen gekoppeld in 2020');
      await tabTo('f-nulmeting'); await type('Aantal gezinnen met jeugdhulp thuis in Zwolle-Zuid in 2019, uit de RIJM.');
      await tabTo('q1-gezond'); await page.keyboard.press('Space');
      await tabTo('q1-veilig'); await page.keyboard.press('Space');
      await tabTo('q1-toelichting', 3);
      await type('Ouders komen op adem; kinderen blijven zich positief ontwikkelen in hun eigen omgeving.');
      await tabTo('q2-normaliseren'); await page.keyboard.press('Space');
      await tabTo('q2-toelichting', 5);
      await type('Steun uit de buurt in plaats van jeugdhulp; zo normaal en zo kort mogelijk geholpen.');
      await tabTo('q3-ambulantisering'); await page.keyboard.press('Space');
      await tabTo('q3-toelichting');
      await type('Ondersteuning thuis door een steungezin voorkomt dat kinderen uit huis worden geplaatst.');
      await tabTo('q4-ja'); await page.keyboard.press('ArrowDown');  // radio group: arrow to "nee"
      assert.equal(await page.isChecked('#q4-nee'), true);
      await tabTo('q4-voorbeelden'); await type('Midden-Limburg West'); await page.keyboard.press('Enter'); await type('IJmond');
      await tabTo('q4-toelichting'); await type('Actief in meer dan dertig gemeenten in Nederland.');
      await tabTo('q5-ja'); await page.keyboard.press('Space');
      await tabTo('q5-toelichting');
      await type('Welzijnswerk, CJG en vrijwillige steungezinnen leren samen en delen hun ervaringen.');
      await tabTo('q6-ja'); await page.keyboard.press('Space');
      await tabTo('q6-toelichting');
      await type('Versterkt de eigen regie en de sociale participatie van het gezin, in lijn met positieve gezondheid.');
      await tabTo('btn-toetsen');
      await shot(page, 'toetsenbord-focus-op-toetsen', {fullPage: false});
      await page.keyboard.press('Enter');
      const v = await verdictWord(page, '#resultaat-nieuw');
      assert.equal(v.verdict, 'voldoet', await page.locator('#resultaat-nieuw').textContent());
      assert.equal(await page.evaluate(() => document.activeElement.id), 'h-resultaat-nieuw');
      const ml04 = await page.locator('#resultaat-nieuw article.rule[data-rule="ML-04"] .rule-message').textContent();
      assert.match(ml04, /Midden-Limburg West, IJmond/);
      const ml08 = await page.locator('#resultaat-nieuw article.rule[data-rule="ML-08"] .rule-message').textContent();
      assert.match(ml08, /€ 30\.000/);
      await shot(page, 'toetsenbord-uitslag');
      assert.deepEqual(problems, []);
    });
  } catch (e) {
    // reported by step(); the summary below counts it
  } finally {
    await browser.close().catch(() => {});
    if (child) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    }
  }
  console.log(`screenshots: ${shots}`);
  if (failed && fs.existsSync(path.join(tmp, 'serve.log'))) {
    console.log(`--- meetlat serve log\n${fs.readFileSync(path.join(tmp, 'serve.log'), 'utf8').slice(-4000)}`);
  }
  if (!process.env.MEETLAT_BROWSER_KEEP && !failed) {
    // The decision log and the server's output go; the screenshots stay.
    for (const f of fs.readdirSync(tmp)) {
      if (path.join(tmp, f) !== shots) fs.rmSync(path.join(tmp, f), {recursive: true, force: true});
    }
    if (fs.readdirSync(tmp).length === 0) fs.rmdirSync(tmp);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || passed === 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
