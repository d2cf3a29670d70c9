// The platform every module receives: configuration, the database, and the cross-cutting services
// (audit, auth, approvals, grants, jobs, events, broker). It lives here, not in the composition
// root, so that modules depend on the platform and never on app.ts (which depends on them).
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import type { ApprovalService } from './approvals.js';
import type { AuditAnchors } from './audit-anchor.js';
import type { AuditService } from './audit.js';
import type { AuthService } from './auth/service.js';
import type { Broker } from './broker.js';
import type { WorkCalendar } from './calendar.js';
import type { FieldCipher } from './crypto.js';
import type { EventBus } from './events.js';
import type { JobQueue } from './jobs.js';
import type { GrantService } from './scope.js';

export interface Platform {
  readonly config: Config;
  readonly database: Database;
  readonly db: Db;
  readonly log: Logger;
  readonly cipher: FieldCipher;
  readonly audit: AuditService;
  /** Signed anchors of the audit chain's head, outside the database (decision 0024). */
  readonly auditAnchors: AuditAnchors;
  readonly auth: AuthService;
  /** Requests that need a second person (separation of duties). */
  readonly approvals: ApprovalService;
  readonly grants: GrantService;
  readonly jobs: JobQueue;
  readonly events: EventBus;
  readonly broker: Broker;
  /** Working days with the year's public holidays and make-up days (调休), for deadlines. */
  readonly calendar: WorkCalendar;
}
