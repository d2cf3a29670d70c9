// Helpers for browser tests. A test file usually does:
//
//   import { inject } from 'vitest';
//   import { launchBrowser, newPage, loginAs, screenshot } from './support/index.js';
//   const url = inject('e2eUrl');                  // the run's shared server (demo city)
//   const browser = await launchBrowser();
//   const { page } = await newPage(browser, url, { size: 'phone' });
//   await loginAs(page, 'grid');                    // demo users, password Qingche#2026
//
// A file that changes global settings (second-factor policy, label kinds) should start its own
// server with startServer() so that other files keep a predictable city.
export { apiAs, launchBrowser, loginAs, newPage, screenshot, SCREENSHOTS, smallTapTargets, toastSeen, viewports, type TestPage } from './browser.js';
export { DEMO_PASSWORD, ensureWebBuilt, startServer, type E2eServer } from './server.js';
