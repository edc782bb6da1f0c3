// Renders <ImportJobProgress> in each state (from the recorded Realtime runs) in a real
// browser, headless Chromium from Debian's package, and checks the DOM: progress value,
// buttons, messages. With --screenshots it also saves one PNG per state to
// ../docs/screenshots/ for the README.
//
//   node scripts/browser-check.mjs [--screenshots]
//   CHROMIUM=/path/to/chromium overrides the browser (default /usr/bin/chromium).
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const screenshots = process.argv.includes('--screenshots');
const out = mkdtempSync(join(tmpdir(), 'import-kit-page-'));
const profile = mkdtempSync(join(tmpdir(), 'import-kit-chromium-'));

let browser;
try {
  await build({
    entryPoints: [join(web, 'test/browser/page.tsx')],
    bundle: true,
    format: 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    outfile: join(out, 'page.js'),
    logLevel: 'error',
  });
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ImportJobProgress states</title>
<style>${readFileSync(join(web, 'styles/import-job.css'), 'utf8')}
body { background: #f3f4f6; margin: 0; padding: 16px; } .state { margin-bottom: 16px; width: 640px; }</style>
</head><body><div id="root"></div><script src="page.js"></script></body></html>`,
  );

  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 700, height: 900 },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(join(out, 'index.html')).href);
  // Every state has read its row (SUBSCRIBED, then the refetch).
  await page
    .waitForFunction(() => document.querySelectorAll('[data-state] .import-job:not([data-status="loading"])').length === 5, null, { timeout: 15000 })
    .catch((e) => {
      throw new Error(`the page did not render its five states: ${errors.join('; ') || e.message}`);
    });

  const failures = [];
  const check = (ok, what) => {
    if (!ok) failures.push(what);
  };
  const expected = await page.evaluate(() => window.expected);
  const dom = await page.evaluate(() => {
    const q = (state, sel) => document.querySelector(`[data-state="${state}"] ${sel}`);
    const buttons = (state) => [...document.querySelectorAll(`[data-state="${state}"] button`)].map((b) => b.textContent);
    const states = ['pending', 'running', 'completed', 'failed', 'preview'];
    return Object.fromEntries(
      states.map((s) => [
        s,
        {
          status: q(s, '.import-job')?.getAttribute('data-status'),
          progress: q(s, '[role="progressbar"]')?.getAttribute('aria-valuenow') ?? null,
          fillWidth: q(s, '.import-job__bar-fill')?.getBoundingClientRect().width ?? null,
          barWidth: q(s, '.import-job__bar')?.getBoundingClientRect().width ?? null,
          buttons: buttons(s),
          alert: q(s, '[role="alert"]')?.textContent ?? null,
          warningGroups: document.querySelectorAll(`[data-state="${s}"] .import-job__warning-group`).length,
          link: q(s, '.import-job__all-warnings')?.getAttribute('href') ?? null,
          previewRows: document.querySelectorAll(`[data-state="${s}"] .import-job__preview-scouts tbody tr`).length,
        },
      ]),
    );
  });

  const pct = (e) => String(Math.floor((100 * e.processed) / e.total));
  check(dom.pending.status === 'pending' && dom.pending.progress === '0', `pending: progressbar at 0 (got ${dom.pending.progress})`);
  check(dom.pending.buttons.includes('Cancel'), 'pending: Cancel button');
  check(dom.running.status === 'processing' && dom.running.progress === pct(expected.running), `running: progressbar at ${pct(expected.running)} (got ${dom.running.progress})`);
  const ratio = dom.running.fillWidth / dom.running.barWidth;
  check(Math.abs(ratio * 100 - Number(dom.running.progress)) < 2, `running: the bar is drawn at its value (${(ratio * 100).toFixed(1)}%)`);
  check(dom.running.buttons.includes('Cancel'), 'running: Cancel button');
  check(dom.completed.status === 'completed' && dom.completed.progress === null, 'completed: summary instead of the bar');
  check(dom.completed.warningGroups > 0 && dom.completed.link?.includes('/issues'), 'completed: warnings grouped, link to the full list');
  check(dom.completed.buttons.length === 0, `completed: no buttons (got ${dom.completed.buttons})`);
  check(dom.failed.status === 'failed' && dom.failed.alert === expected.failed.error, 'failed: the error message as an alert');
  check(dom.failed.buttons.includes('Retry'), 'failed: Retry button');
  check(dom.preview.buttons.includes('Confirm and import') && dom.preview.previewRows > 0, 'preview: scouts and Confirm');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);

  if (screenshots) {
    const dir = join(web, '..', 'docs', 'screenshots');
    mkdirSync(dir, { recursive: true });
    for (const s of Object.keys(dom)) {
      await page.locator(`[data-state="${s}"] .import-job`).screenshot({ path: join(dir, `import-job-${s}.png`) });
    }
    console.log(`screenshots: ${Object.keys(dom).length} PNGs in docs/screenshots/`);
  }
  if (failures.length) {
    console.error(`browser check FAILED:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`browser check: 5 states rendered in headless Chromium, ${12} DOM checks passed`);
  }
} finally {
  await browser?.close();
  rmSync(out, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
