// Browser tests of the web app in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): a coach logs in, finds a client in two clicks, records a checkpoint, works
// through today's signals, confirms a cancelled direct debit and enters a rent increase from a
// month on; finance (setting up its second factor at the first login, oathtool as its phone)
// approves a batch prepared by someone else, corrects a rejected payment's account, re-issues it
// and parks a bank line nobody recognises; keyboard and language switch; a user with a role in
// each of two municipalities switches between them. Screenshots go to
// $ARTIFACTS (build/test-artifacts/). Run by tests/browser/run, which starts the server.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS;
const work = process.env.WORK;        // the run's temporary folder (bank files)
const banksim = process.env.BANKSIM;  // ops/bank/banksim: the bank's answer to a pain.001
const password = (user) => `browser-test-${user}`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
let failed = false;
async function step(name, fn) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await fn(page);
    console.log(`ok   ${name}`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}\n${e.stack}`);
    await page.screenshot({ path: `${artifacts}/web-failed-${name.replace(/\W+/g, '-')}.png`, fullPage: true });
  } finally {
    await context.close();
  }
}

// The second factor (the shipped configuration asks it of finance and admin): oathtool stands in
// for the phone's authenticator app. Each code counts once, so a login in the same 30 seconds as
// the last one uses the next step's code (accepted one step ahead), or waits for it.
const secrets = {};   // user -> base32 secret, from the page that set it up
const lastStep = {};  // user -> the time step of the last code used
async function totp(user) {
  const now = Math.floor(Date.now() / 30000);
  const step = Math.max(now, (lastStep[user] ?? -1) + 1);
  if (step > now + 1) await new Promise((r) => setTimeout(r, (step - 1) * 30000 - Date.now() + 500));
  lastStep[user] = step;
  return execFileSync('oathtool', ['--totp', '-b', `--now=@${step * 30}`, secrets[user]]).toString().trim();
}

async function login(page, user) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Wachtwoord').fill(password(user));
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForLoadState();
  if (page.url().endsWith('/login/second-factor')) {
    // The first login of finance: the key beside the QR code into the "app", a code back, and
    // the ten recovery codes shown once.
    assert.ok(await page.locator('figure.qr svg').isVisible(), 'the QR code is shown');
    secrets[user] = (await page.locator('#totp-secret').textContent()).trim();
    await page.getByLabel('Code uit uw authenticator-app').fill(await totp(user));
    await page.getByRole('button', { name: 'Tweede factor instellen' }).click();
    await page.getByRole('heading', { name: 'Uw herstelcodes' }).waitFor();
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    await page.getByRole('link', { name: 'Verder naar ontzorg' }).click();
  } else if (page.url().endsWith('/login/code')) {
    await page.getByLabel('Code uit uw authenticator-app, of een herstelcode').fill(await totp(user));
    await page.getByRole('button', { name: 'Inloggen' }).click();
  }
}

await step('coach finds a client in two clicks and records a checkpoint', async (page) => {
  await login(page, 'carla');
  await page.waitForURL(`${base}/clients`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Mijn cliënten');
  // Another coach's client is not listed.
  assert.equal(await page.locator('a[href="/clients/C000002"]').count(), 0);
  await page.getByRole('link', { name: 'Samira Osman' }).click();            // click 2
  await page.waitForURL(`${base}/clients/C000001`);
  // The money first, then one section at a time (tabs).
  await page.getByText('Gereserveerd (vastgehouden of mislukt)').waitFor();
  await page.screenshot({ path: `${artifacts}/web-client.png`, fullPage: false });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 2500, `the client page's first tab is ${height} px tall`);
  await page.getByRole('link', { name: 'Toeslagen en lening' }).click();
  await page.getByRole('heading', { name: 'Overbruggingslening en verwachting' }).waitFor();
  assert.ok(await page.locator('svg.chart rect').count() > 0, 'the credit chart has bars');
  await page.getByRole('link', { name: 'Leervoortgang' }).click();
  await page.getByLabel('overzicht houden over uw geld', { exact: true }).selectOption('2');
  await page.getByLabel('uitgeven wat u heeft', { exact: true }).selectOption('2');
  await page.getByLabel('Notitie').fill('Checkpoint uit de browsertest');
  await page.getByRole('button', { name: 'Checkpoint opslaan' }).click();
  await page.waitForURL(/saved=checkpoint/);
  await page.getByRole('status').filter({ hasText: 'Opgeslagen' }).waitFor();
  await page.getByRole('cell', { name: 'Checkpoint uit de browsertest' }).waitFor();
  await page.screenshot({ path: `${artifacts}/web-checkpoint-saved.png`, fullPage: true });
  // The statement preview opens in the client's language.
  await page.getByRole('link', { name: 'Deze maand' }).click();
  await page.getByRole('link', { name: /Voorbeeld van het volgende geldoverzicht/ }).click();
  await page.locator('article, body').first().waitFor();
  await page.screenshot({ path: `${artifacts}/web-statement-preview.png`, fullPage: true });
});

await step('coach works through today\'s list and enters a rent increase', async (page) => {
  await login(page, 'carla');
  await page.waitForURL(`${base}/clients`);
  await page.getByRole('link', { name: 'Vandaag te doen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Vandaag te doen' }).waitFor();
  const rows = page.locator('tbody tr');
  assert.ok(await rows.count() > 0, 'the January run raised signals for carla\'s clients');
  await page.screenshot({ path: `${artifacts}/web-today.png`, fullPage: false });
  // The first signal: in progress, with a note.
  const first = rows.first();
  const client = (await first.locator('td').nth(1).textContent()).trim();
  await first.getByLabel('Nieuwe stand van het signaal').selectOption('in_progress');
  await first.getByLabel('Notitie bij het signaal').fill('Cliënt gebeld');
  await first.getByRole('button', { name: 'Opslaan' }).click();
  await page.getByLabel('Stand', { exact: true }).selectOption('in_progress');
  await page.getByRole('button', { name: 'Filteren' }).click();
  await page.getByRole('cell', { name: /Cliënt gebeld/ }).waitFor();
  // A rent increase from March on the client page, with its reason in the history.
  await page.goto(`${base}/clients/${client}`);
  await page.getByRole('link', { name: 'Rekeningen en wijzigingen' }).click();
  // The client's own direct debit for a held bill is confirmed cancelled (the bank's letter).
  await page.getByText('Automatische incasso van de cliënt bevestigen').click();
  const dd = page.locator('#direct-debit');
  await dd.getByLabel('Rekening').selectOption({ index: 0 });
  await dd.getByLabel('Wat is er met de incasso').selectOption('cancelled');
  await dd.getByLabel('Bevestigd door (bijv. brief van de bank)').fill('Brief van de bank, browsertest');
  await dd.getByRole('button', { name: 'Incasso vastleggen' }).click();
  await page.waitForURL(/tab=bills&saved=direct_debit/);
  await page.getByRole('status').filter({ hasText: 'Opgeslagen' }).waitFor();
  await page.getByText('Rekening wijzigen vanaf een maand').click();
  const form = page.locator('#bill-change');
  const rent = await form.locator('option', { hasText: /^Huur/ }).first().getAttribute('value');
  await form.getByLabel('Rekening').selectOption(rent);
  await form.getByLabel('Nieuw bedrag (leeg: blijft)').fill('812.50');
  // From February, the month after the January run: the next run's preview must show it.
  await form.getByLabel('Geldt vanaf maand (JJJJ-MM)').fill('2027-02');
  await form.getByLabel('Waarom (bijv. brief verhuurder)').fill('Huurverhoging uit de browsertest');
  await form.getByRole('button', { name: 'Wijziging vastleggen' }).click();
  await page.waitForURL(/saved=bill_change/);
  await page.getByRole('cell', { name: 'Huurverhoging uit de browsertest' }).waitFor();
  await page.screenshot({ path: `${artifacts}/web-bill-change.png`, fullPage: true });
  await page.getByRole('link', { name: 'Deze maand' }).click();
  await page.getByRole('link', { name: /Voorbeeld van het volgende geldoverzicht/ }).click();
  await page.getByText(/812[.,]50/).first().waitFor();  // in the client's language
  await page.screenshot({ path: `${artifacts}/web-bill-change-preview.png`, fullPage: true });
});

await step('finance approves a batch another person prepared', async (page) => {
  await login(page, 'anna');
  await page.waitForURL(`${base}/batches`);
  await page.getByRole('link', { name: 'Batch 1' }).click();
  // anna prepared batch 1: no approve button, and the four-eyes notice.
  await page.getByText('een collega moet hem goedkeuren').waitFor();
  assert.equal(await page.getByRole('button', { name: /Goedkeuren/ }).count(), 0);
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.waitForURL(`${base}/login`);

  await login(page, 'bram');
  await page.waitForURL(`${base}/batches`);
  await page.getByRole('link', { name: 'Batch 1' }).click();
  // The approval screen (issue 17): last month, the accounts, the largest payments, in Dutch.
  await page.getByRole('heading', { name: 'Vergelijking met vorige maand' }).waitFor();
  await page.getByRole('heading', { name: 'Nieuwe en gewijzigde rekeningnummers' }).waitFor();
  await page.getByRole('table', { name: 'De 20 grootste betalingen' }).waitFor();
  await page.screenshot({ path: `${artifacts}/web-batch-review.png`, fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: 1300 } });
  // The payments as a CSV for Dutch Excel: BOM, ';', decimal commas.
  const sheet = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download als CSV (opent in Excel)' }).click();
  const csvFile = await sheet;
  assert.equal(csvFile.suggestedFilename(), 'batch-1.csv');
  const csv = await readFile(await csvFile.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFF'), 'a byte order mark, so Excel reads UTF-8');
  const [header, first] = csv.slice(1).split('\r\n');
  assert.ok(header.split(';').length >= 9, header);
  assert.match(first.split(';')[8], /^[0-9]+,[0-9]{2}$/);
  await page.getByLabel('Opmerking bij de goedkeuring (niet verplicht)').fill('totalen vergeleken');
  await page.getByRole('button', { name: 'Goedkeuren als tweede persoon' }).click();
  await page.waitForURL(/saved=approved/);
  await page.getByRole('definition').filter({ hasText: 'Goedgekeurd' }).waitFor();
  await page.screenshot({ path: `${artifacts}/web-batch-approved.png`, fullPage: false });
  await page.getByRole('button', { name: 'SEPA-bestanden maken' }).click();
  await page.waitForURL(/saved=exported/);
  // Writing the files sends nothing: the state says what happened.
  await page.getByRole('definition').filter({ hasText: 'Bestand aangemaakt' }).waitFor();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /\.xml$/ }).first().click();
  const file = await download;
  assert.match(file.suggestedFilename(), /\.xml$/);
  await file.saveAs(`${work}/batch-1.xml`);  // the bank's answer to it, in the next step
});

await step('finance corrects a rejected payment\'s account and re-issues it, all in the browser', async (page) => {
  // The bank refuses C000002's rent (account closed, AC04) and credits money nobody recognises.
  const rent = 'OZ-B-202701-C000002-H';
  execFileSync(banksim, ['--pain001', `${work}/batch-1.xml`, '--date', '2026-12-16',
    '--pain002', `${work}/p2.xml`, '--camt053', `${work}/c53.xml`, '--reject', `${rent}:AC04`,
    '--credit', 'NL20INGB0001234567|Onbekende gever|25.00|gift']);
  await login(page, 'bram');
  await page.waitForURL(`${base}/batches`);
  for (const f of ['p2.xml', 'c53.xml']) {
    await page.getByLabel('pain.002, camt.053 of camt.054').setInputFiles(`${work}/${f}`);
    await page.getByRole('button', { name: 'Inlezen' }).click();
    await page.waitForURL(/saved=/);
  }
  await page.getByRole('link', { name: 'Aansluiting' }).click();
  await page.getByRole('heading', { name: /Mislukte betalingen/ }).waitFor();
  const row = page.getByRole('row').filter({ hasText: rent });
  await row.getByText('Rekening corrigeren').click();
  await row.getByLabel(/Nieuwe IBAN van/).fill('NL91 ABNA 0417 1643 00');
  await row.getByLabel(/Reden/).fill('brief van de verhuurder, 14-12');
  await row.getByRole('button', { name: 'Corrigeren' }).click();
  await page.waitForURL(/saved=account_corrected/);
  await page.getByRole('row').filter({ hasText: rent }).getByText('gecorrigeerd').waitFor();
  await page.getByLabel(`Opnieuw betalen: ${rent}`).check();
  await page.screenshot({ path: `${artifacts}/web-reissue.png`, fullPage: true });
  await page.getByRole('button', { name: 'Aangevinkte betalingen opnieuw klaarzetten' }).click();
  await page.waitForURL(/\/batches\/[0-9]+\?saved=reissued/);
  const batch = page.url().match(/\/batches\/([0-9]+)/)[1];
  await page.getByText('NL91 ABNA 0417 1643 00').first().waitFor();
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.waitForURL(`${base}/login`);
  // The second person sees the changed account and acknowledges it to approve.
  await login(page, 'anna');
  await page.goto(`${base}/batches/${batch}`);
  await page.getByText('Ik heb de gewijzigde en eenmalige rekeningnummers gecontroleerd').click();
  // A correction made in the same second as the preparation is also listed as a change after
  // it (the store's times are to the second, so the page errs on the safe side): tick that too.
  for (const box of await page.locator('input[name=acknowledge]:not(:checked)').all()) await box.check();
  await page.getByRole('button', { name: 'Goedkeuren als tweede persoon' }).click();
  await page.waitForURL(/saved=approved/);
  await page.getByRole('definition').filter({ hasText: 'Goedgekeurd' }).waitFor();
  // The unknown line parked with a reason.
  await page.goto(`${base}/reconciliation`);
  const line = page.getByRole('row').filter({ hasText: 'Onbekende gever' });
  await line.getByLabel('Soort').selectOption('ignore');
  await line.getByLabel('Reden').fill('gift van een buurman, teruggestort');
  await line.getByRole('button', { name: 'Vastleggen' }).click();
  await page.waitForURL(/saved=line_parked/);
  await page.getByText('Alle bankregels zijn herkend.').waitFor();
});

await step('keyboard: the skip link comes first and every form field has a label', async (page) => {
  await login(page, 'carla');
  for (const tab of ['month', 'bills', 'credit', 'learning', 'ledger', 'details']) {
    await page.goto(`${base}/clients/C000003?tab=${tab}`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Naar de inhoud');
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]), select')]
        .filter((el) => !el.labels || el.labels.length === 0).map((el) => el.name));
    assert.deepEqual(unlabelled, [], `tab ${tab}`);
    const levels = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3')].map((h) => h.tagName));
    assert.equal(levels[0], 'H1');
  }
  await page.goto(`${base}/clients/C000003?tab=learning`);
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Learning progress' }).waitFor();
});

await step('admin records new settings of a municipality from a month on', async (page) => {
  await login(page, 'admin');
  await page.getByRole('link', { name: 'Gemeenten' }).click();
  await page.getByRole('heading', { name: /GM9999/ }).waitFor();
  await page.locator('summary', { hasText: 'Nieuwe instellingen vanaf een maand' }).first().click();
  const settings = page.locator('#ch-GM9999-settings');
  const current = await settings.inputValue();
  assert.match(current, /\[managed_account\]/, 'the form starts from the latest settings');
  // A mistake: refused with its line, the form shown again with what was typed and the field marked.
  await settings.fill(current + '\nnonsense = 1\n');
  await page.locator('#ch-GM9999-from').fill('2027-03');
  await page.locator('#ch-GM9999-reason').fill('nieuwe beheerrekening per maart');
  await page.getByRole('button', { name: 'Vastleggen', exact: true }).first().click();
  await page.waitForLoadState();
  assert.match(await page.getByRole('alert').first().textContent(), /nonsense/);
  assert.equal(await page.locator('#ch-GM9999-settings').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#ch-GM9999-settings').inputValue(), /nonsense = 1/);
  await page.screenshot({ path: `${artifacts}/web-municipality-refused.png`, fullPage: true });
  // Corrected and recorded: the page lists the second version with its reason.
  await page.locator('#ch-GM9999-settings').fill(current);
  await page.locator('#ch-GM9999-from').fill('2027-03');
  await page.locator('#ch-GM9999-reason').fill('nieuwe beheerrekening per maart');
  await page.getByRole('button', { name: 'Vastleggen', exact: true }).first().click();
  await page.waitForLoadState();
  await page.getByRole('cell', { name: 'nieuwe beheerrekening per maart' }).waitFor();
  assert.equal(await page.locator('#gm-GM9999 ~ table tbody tr').count(), 2);
  await page.screenshot({ path: `${artifacts}/web-municipalities.png`, fullPage: true });
});

await step('a user who is finance for one municipality and coach for another switches role', async (page) => {
  await login(page, 'eva');  // finance: her own role, where a login starts
  await page.waitForURL(`${base}/batches`);
  const role = page.getByLabel('Werken als');
  assert.equal(await role.inputValue(), 'finance');
  assert.deepEqual(await role.locator('option').allTextContents(), ['finance', 'coach']);
  await role.selectOption('coach');
  await page.getByRole('button', { name: 'Wisselen' }).click();
  await page.waitForURL(/\/clients/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Mijn cliënten');
  // T000002 of GM9998, in her caseload (not in ontzorgen yet: listed with the others).
  await page.getByRole('link', { name: /Toon ook de cliënten buiten ontzorgen/ }).click();
  await page.getByRole('link', { name: 'Amina Haidari' }).waitFor();
  assert.equal(await page.locator('a[href^="/clients/C"]').count(), 0, 'nothing of GM9999 as coach');
  assert.equal(await page.getByLabel('Werken als').inputValue(), 'coach');
  await page.screenshot({ path: `${artifacts}/web-acting-role.png`, fullPage: true });
  // As coach she may not open the batches.
  const batches = await page.goto(`${base}/batches`);
  assert.equal(batches.status(), 403);
});

await step('finance and the admin logged in with a second factor, set up at the first login', async () => {
  assert.deepEqual(Object.keys(secrets).sort(), ['admin', 'anna', 'bram', 'eva']);
  assert.ok(lastStep.anna > 0 && lastStep.bram > 0 && lastStep.admin > 0 && lastStep.eva > 0);
});

await browser.close();
process.exit(failed ? 1 : 0);
