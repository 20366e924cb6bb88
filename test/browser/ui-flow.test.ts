/**
 * The web UI end to end, in Debian's Chromium driven by playwright-core, against the real stack
 * (Temporal, PostgreSQL, Redis; the API serving the built UI from dist/web): an applicant files a
 * report, an officer accepts it and raises a query, the applicant answers, the officer proposes an
 * inform notice, a supervisor approves it, the applicant applies for the license, the officer
 * proposes a decision, another supervisor approves it, and the decision shows on the applicant's
 * page. Screenshots of the main pages go to test/.artifacts/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserServer, type Page } from 'playwright-core';
import { advanceReport, startStack, type Stack } from '../support/stack';

const CHROMIUM = process.env.TAIWA_CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../.artifacts/screenshots');
const WEB_INDEX = resolve(__dirname, '../../dist/web/index.html');

let stack: Stack;
let server: BrowserServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(WEB_INDEX))
    throw new Error(`${WEB_INDEX} is missing: build the web UI first (bash infra/scripts/build.sh).`);
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (infra/scripts/lib.sh ensure_chromium).`,
    );
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ dispatcher: false });
  // playwright-core gives every launch a fresh user-data-dir of its own, removed on close.
  server = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser = await chromium.connect(server.wsEndpoint());
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  context.setDefaultTimeout(20_000);
});

afterAll(async () => {
  // A browser that does not close would keep connections to the API open and jest alive.
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 15_000).unref());
  const closed = await Promise.race([
    (browser?.close() ?? Promise.resolve()).then(() => server?.close()).then(() => true),
    timeout,
  ]);
  if (!closed) await server?.kill();
  await stack?.stop();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** Each user gets their own tab: the token lives in the tab's sessionStorage. */
async function signIn(username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/`);
  await page.waitForURL('**/signin');
  await page.getByLabel('利用者', { exact: true }).fill(username);
  await page.getByRole('button', { name: 'サインイン' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/signin'));
  await page.getByTestId('who').waitFor();
  return page;
}

async function waitForStatus(page: Page, status: string, reload = false): Promise<void> {
  if (reload) await page.reload();
  await page.locator(`article.case[data-status="${status}"]`).waitFor();
}

/** The action forms on the page are exactly the caller's allowedActions from the API. */
async function expectActionsMatchApi(page: Page, username: string, caseId: string): Promise<string[]> {
  const view = await stack.http('GET', `/api/v1/cases/${caseId}`, { as: username });
  const shown = await page
    .locator('[data-action]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')!));
  expect([...new Set(shown)].sort()).toEqual([...view.body.allowedActions].sort());
  return shown;
}

async function act(
  page: Page,
  action: string,
  fill: (form: ReturnType<Page['locator']>) => Promise<void>,
  button: string,
): Promise<void> {
  const form = page.locator(`details[data-action="${action}"]`);
  await form.locator('summary').click();
  await fill(form);
  await form.getByRole('button', { name: button }).click();
}

test('a case goes from advance report to license decision through the web UI', async () => {
  // The applicant files a report; the API's problem shows next to the field it names.
  const applicant = await signIn('alice@acme.example');
  await applicant.waitForURL('**/cases');
  await applicant.getByRole('link', { name: '事前報告の提出' }).first().click();
  const report = advanceReport();
  await applicant.getByLabel('技術区分', { exact: true }).selectOption(report.technologyCategory);
  await applicant.getByLabel('技術の内容', { exact: true }).fill(report.technologyDescription);
  await applicant.getByLabel('取引の種類', { exact: true }).selectOption(report.transactionType);
  await applicant.getByLabel('契約予定日', { exact: true }).fill(report.plannedContractDate);
  await applicant.getByLabel('相手方の名称', { exact: true }).fill(report.counterparty.name);
  await applicant.getByLabel('相手方の国・地域(ISO コード)', { exact: true }).fill('XX');
  await applicant.getByLabel('連絡担当者', { exact: true }).fill(report.contact.name);
  await applicant.getByLabel('連絡先メールアドレス', { exact: true }).fill(report.contact.email);
  await applicant.getByRole('button', { name: '事前報告を提出' }).click();
  const countryError = applicant.locator('#cp-country-error');
  await countryError.waitFor();
  expect(await countryError.textContent()).toContain('XX is not an ISO 3166-1 alpha-2 country code');
  expect(
    await applicant.getByLabel('相手方の国・地域(ISO コード)', { exact: true }).getAttribute('aria-invalid'),
  ).toBe('true');
  await shot(applicant, '01-report-form-inline-problem');
  await applicant.getByLabel('相手方の国・地域(ISO コード)', { exact: true }).fill('VN');
  await applicant.getByRole('button', { name: '事前報告を提出' }).click();
  await applicant.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const caseId = applicant.url().split('/').pop()!;
  await waitForStatus(applicant, 'SUBMITTED');
  const caseNumber = (await stack.http('GET', `/api/v1/cases/${caseId}`, { as: 'alice@acme.example' })).body
    .caseNumber as string;
  expect(await applicant.getByTestId('next-step').textContent()).toContain(
    '経済産業省による受理を待っています',
  );
  await shot(applicant, '02-applicant-case-submitted');

  // The officer finds it in the queue, sorted by deadline, and accepts it.
  const officer = await signIn('olivia@regulator.example');
  await officer.waitForURL('**/queue');
  await officer.locator(`tr[data-case="${caseNumber}"]`).waitFor();
  await shot(officer, '03-officer-queue');
  await officer.getByRole('link', { name: caseNumber }).click();
  await waitForStatus(officer, 'SUBMITTED');
  await expectActionsMatchApi(officer, 'olivia@regulator.example', caseId);
  await shot(officer, '04-officer-workbench-submitted');
  await officer.getByRole('button', { name: '受理する' }).click();
  await waitForStatus(officer, 'IN_CONSULTATION');
  expect(await officer.getByRole('button', { name: '受理する' }).count()).toBe(0);

  // ... and raises a query, which stops the consultation clock.
  await act(
    officer,
    'RAISE_QUERY',
    (f) => f.getByLabel('照会内容', { exact: true }).fill('Which fabs will use the process?'),
    '照会する',
  );
  await officer.locator('.query', { hasText: 'Which fabs will use the process?' }).waitFor();
  await expectActionsMatchApi(officer, 'olivia@regulator.example', caseId);

  // The applicant sees the open query (and only applicant actions) and answers it.
  await waitForStatus(applicant, 'IN_CONSULTATION', true);
  const query = applicant.locator('.query', { hasText: 'Which fabs will use the process?' });
  await query.waitFor();
  expect(await applicant.getByTestId('next-step').textContent()).toContain('照会に回答してください');
  const applicantActions = await expectActionsMatchApi(applicant, 'alice@acme.example', caseId);
  expect(applicantActions).not.toContain('PROPOSE_INFORM');
  await shot(applicant, '05-applicant-open-query');
  await query.getByLabel('回答', { exact: true }).fill('Only the Hai Phong fab.');
  await query.getByRole('button', { name: '照会に回答する' }).click();
  await applicant.locator('.thread li', { hasText: 'Only the Hai Phong fab.' }).waitFor();
  await applicant.locator('.query').waitFor({ state: 'detached' });

  // The officer proposes an inform notice with a typed condition.
  await waitForStatus(officer, 'IN_CONSULTATION', true);
  await officer.locator('.thread li', { hasText: 'Only the Hai Phong fab.' }).waitFor();
  await act(
    officer,
    'PROPOSE_INFORM',
    async (f) => {
      await f
        .getByLabel('理由', { exact: true })
        .fill('The resist process is a designated technology; the counterparty is a new entity.');
      await f.getByRole('button', { name: '条件を追加' }).click();
      await f.getByLabel('条件の種類 1', { exact: true }).selectOption('EQUITY_RATIO_CAP');
      await f.getByLabel('条件の内容', { exact: true }).fill('Keep the equity ratio at or below the cap');
      await f.getByLabel('出資資本比率の上限(%)', { exact: true }).fill('49');
    },
    'インフォームを起案する',
  );
  await waitForStatus(officer, 'INFORM_PENDING_APPROVAL');
  await shot(officer, '06-officer-inform-proposed');

  // A supervisor approves it from the approvals inbox.
  const supervisor = await signIn('sam@regulator.example');
  await supervisor.waitForURL('**/approvals');
  await supervisor.locator(`tr[data-case="${caseNumber}"]`).waitFor();
  await shot(supervisor, '07-supervisor-approvals-inbox');
  await supervisor.getByRole('link', { name: caseNumber }).first().click();
  await waitForStatus(supervisor, 'INFORM_PENDING_APPROVAL');
  await expectActionsMatchApi(supervisor, 'sam@regulator.example', caseId);
  await shot(supervisor, '08-supervisor-workbench-approval');
  await act(
    supervisor,
    'APPROVE_INFORM',
    (f) => f.getByLabel('コメント', { exact: true }).fill('Agreed.'),
    'インフォームを承認する',
  );
  await waitForStatus(supervisor, 'INFORM_ISSUED');

  // The applicant reads the inform notice and applies for the license.
  await waitForStatus(applicant, 'INFORM_ISSUED', true);
  const notice = applicant.getByTestId('inform-notice');
  await notice.waitFor();
  expect(await notice.textContent()).toContain('出資資本比率の上限');
  await shot(applicant, '09-applicant-inform-notice');
  await act(
    applicant,
    'SUBMIT_LICENSE_APPLICATION',
    async (f) => {
      await f
        .getByLabel('申請内容', { exact: true })
        .fill('License for the resist process transfer under the conditions of the inform notice.');
      await f.getByLabel('インフォームの条件を受け入れる', { exact: true }).check();
    },
    '許可申請を提出する',
  );
  await waitForStatus(applicant, 'LICENSE_REVIEW');

  // The officer proposes a decision with conditions; another supervisor approves it.
  await waitForStatus(officer, 'LICENSE_REVIEW', true);
  await act(
    officer,
    'PROPOSE_DECISION',
    async (f) => {
      await f.getByLabel('判断', { exact: true }).selectOption('GRANT_WITH_CONDITIONS');
      await f.getByLabel('理由', { exact: true }).fill('The mitigations of the inform notice are accepted.');
      await f.getByRole('button', { name: '条件を追加' }).click();
      await f.getByLabel('条件の種類 1', { exact: true }).selectOption('PERIODIC_REPORTING');
      await f.getByLabel('条件の内容', { exact: true }).fill('Report on the transferred technology');
      await f.getByLabel('報告間隔(月)', { exact: true }).fill('12');
    },
    '許可判断を起案する',
  );
  await waitForStatus(officer, 'DECISION_PENDING_APPROVAL');
  const second = await signIn('sue@regulator.example');
  await second.locator(`tr[data-case="${caseNumber}"]`).waitFor();
  await second.getByRole('link', { name: caseNumber }).first().click();
  await waitForStatus(second, 'DECISION_PENDING_APPROVAL');
  await expectActionsMatchApi(second, 'sue@regulator.example', caseId);
  await act(second, 'APPROVE_GRANT', async () => undefined, '許可を承認する');
  await waitForStatus(second, 'LICENSED');

  // The decision shows on the applicant's page, in Japanese and, after the switch, in English.
  await waitForStatus(applicant, 'LICENSED', true);
  const decision = applicant.getByTestId('decision');
  await decision.waitFor();
  expect(await decision.textContent()).toContain('条件付き許可');
  expect(await decision.textContent()).toContain('定期報告');
  expect(await applicant.locator('[data-action]').count()).toBe(0);
  await shot(applicant, '10-applicant-licensed');
  await applicant.getByRole('button', { name: '表示言語' }).click();
  await applicant.getByText('Grant with conditions').waitFor();
  await shot(applicant, '11-applicant-licensed-en');
  await applicant.setViewportSize({ width: 390, height: 844 });
  await shot(applicant, '12-applicant-licensed-narrow');
  await applicant.setViewportSize({ width: 1280, height: 900 });
  await applicant.getByRole('link', { name: 'My cases' }).click();
  await applicant.getByRole('link', { name: caseNumber }).waitFor();
  expect(await applicant.locator('tr', { hasText: caseNumber }).textContent()).toContain(
    'Licensed (granted)',
  );
  await shot(applicant, '13-applicant-my-cases-en');
}, 150_000);

test('the other pages: applicability, catch-all screening, webhooks with the secret shown once, admin, escalations', async () => {
  // The sign-in form works from the keyboard alone, and the first Tab reaches the skip link.
  const admin = await context.newPage();
  await admin.goto(`${stack.baseUrl}/signin`);
  await admin.evaluate('localStorage.removeItem("taiwa.lang")'); // Japanese, the default (the first test switched)
  await admin.reload();
  await admin.getByRole('heading', { name: 'サインイン(開発用)' }).waitFor();
  await admin.keyboard.press('Tab');
  expect(await admin.locator(':focus').textContent()).toBe('本文へ移動');
  await admin.locator('#username').focus();
  await admin.keyboard.press('ControlOrMeta+a');
  await admin.keyboard.type('akira@acme.example');
  await admin.keyboard.press('Enter');
  await admin.waitForURL('**/cases');

  // An applicant admin subscribes an endpoint: the secret is shown once, then never again.
  await admin.getByRole('link', { name: 'Webhook 連携' }).click();
  await admin.getByLabel('送信先 URL', { exact: true }).fill('http://127.0.0.1:9/hook');
  await admin.getByRole('button', { name: '購読を作成' }).click();
  const secret = admin.getByTestId('secret');
  await secret.waitFor();
  expect(await secret.textContent()).toMatch(/^whsec_/);
  await admin.locator('[data-subscription]').waitFor();
  await admin.getByLabel('パートナーの組織 ID', { exact: true }).fill('TOOLVENDOR');
  await admin.getByRole('button', { name: '同意する' }).click();
  await admin.getByRole('button', { name: '同意を取り消す' }).waitFor();
  await shot(admin, '20-webhooks-secret-once');
  await admin.reload();
  await admin.locator('[data-subscription]').waitFor();
  expect(await admin.getByTestId('secret').count()).toBe(0);

  // The applicability check says a report is needed, and offers to file one with the answers.
  await admin.getByRole('link', { name: '事前報告の要否確認' }).click();
  await admin.getByLabel('技術区分', { exact: true }).selectOption('LITHOGRAPHY_RESIST');
  await admin.getByLabel('取引の種類', { exact: true }).selectOption('MANUFACTURING_TRANSFER_SUBSIDIARY');
  await admin.getByLabel('相手方の国・地域(ISO コード)', { exact: true }).fill('VN');
  await admin.getByRole('button', { name: '確認する' }).click();
  await admin.getByText('事前報告が必要です').waitFor();
  await shot(admin, '21-applicability-check');

  // Catch-all screening shows its decision with the trace.
  await admin.getByRole('link', { name: 'キャッチオール・需要者確認' }).click();
  await admin.getByLabel('HS コード(分かる場合)', { exact: true }).fill('8456.11');
  await admin.getByLabel('仕向国・地域(ISO コード)', { exact: true }).fill('CN');
  await admin.getByLabel('需要者の名称', { exact: true }).fill('Example Machinery Co.');
  await admin.getByLabel('大量破壊兵器等の開発等に用いられることを知っている', { exact: true }).check();
  await admin.getByRole('button', { name: '確認する' }).first().click();
  const verdict = admin.getByTestId('catch-all-result');
  await verdict.waitFor();
  expect(await verdict.textContent()).toContain('許可が必要です');
  await shot(admin, '22-catch-all-screening');

  // The regulator admin sees the reference data; the supervisor sees the escalations dashboard.
  const ada = await signIn('ada@regulator.example');
  await ada.waitForURL('**/admin');
  await ada.getByRole('table', { name: '指定技術' }).waitFor();
  await shot(ada, '23-admin-reference-data');
  const sam = await signIn('sam@regulator.example');
  await sam.getByRole('link', { name: '案件キュー' }).click();
  await sam.locator('tr[data-case]').first().waitFor();
  await sam.getByLabel('期限超過', { exact: true }).selectOption('true');
  await sam.getByRole('button', { name: '絞り込む' }).click();
  await sam.getByText('該当する案件はありません。').waitFor();
  expect(sam.url()).toContain('overdue=true');
  await sam.getByRole('link', { name: 'エスカレーション' }).click();
  await sam.getByRole('heading', { name: 'エスカレーションされた案件' }).waitFor();
  await shot(sam, '24-supervisor-escalations');
}, 90_000);
