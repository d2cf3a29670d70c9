// Every table of the application, for Drizzle and drizzle-kit. Each module owns its tables.ts;
// this file only gathers them (modules must not import each other's tables through it).
export * from '../platform/auth/tables.js';
export * from '../platform/audit.tables.js';
export * from '../platform/jobs.tables.js';
export * from '../platform/scope.tables.js';
export * from '../platform/ratelimit.tables.js';
export * from '../platform/approvals.tables.js';
export * from '../platform/calendar.tables.js';
export * from '../modules/tree/tables.js';
export * from '../modules/registry/tables.js';
export * from '../modules/reports/tables.js';
export * from '../modules/certificates/tables.js';
export * from '../modules/exchange/tables.js';
export * from '../modules/duty-lists/tables.js';
export * from '../modules/work-channel/tables.js';
