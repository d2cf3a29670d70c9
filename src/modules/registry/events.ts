// The registry's events: a base-data record was written, a visit confirmed a resident.
import '../../platform/events.js';

declare module '../../platform/events.js' {
  interface DomainEvents {
    /** A base-data record was created or changed. */
    'registry.recordChanged': { recordKind: string; recordId: number; operation: string; changedFields: string[]; treePath: string };
    /** A visit confirmed a resident's record. */
    'registry.visitRecorded': { visitId: number; residentId: number | null; gridId: number; visitorId: number; visitedAt: string };
  }
}
