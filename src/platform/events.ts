// Typed in-process events between modules. A module announces what happened (a grid moved, a
// resident was written); others react without reaching into its tables. Handlers run inside the
// emitter's transaction when one is given, so their writes commit or roll back together.
import type { Tx } from '../db/client.js';
import type { RequestContext } from './context.js';

export interface DomainEvents {
  /** A grid was moved under another community (its path changed). */
  'tree.gridMoved': { gridId: number; oldPath: string; newPath: string; newDistrictCode: string; effectiveDate: string };
  /**
   * A grid was split: records must be reassigned from `fromGridId` to the successors. Records in
   * the buildings listed at index i go to successor i; the rest go to the first successor.
   */
  'tree.gridSplit': { fromGridId: number; successorGridIds: number[]; effectiveDate: string; buildingAssignments: number[][] };
  /** A base-data record was created or changed. */
  'registry.recordChanged': { recordKind: string; recordId: number; operation: string; changedFields: string[]; treePath: string };
  /** A visit confirmed a resident's record. */
  'registry.visitRecorded': { visitId: number; residentId: number | null; gridId: number; visitorId: number; visitedAt: string };
}

type Handler<K extends keyof DomainEvents> = (payload: DomainEvents[K], tx: Tx, ctx: RequestContext) => Promise<void> | void;

export class EventBus {
  private readonly handlers = new Map<keyof DomainEvents, Handler<any>[]>();

  on<K extends keyof DomainEvents>(event: K, handler: Handler<K>): void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler);
    this.handlers.set(event, list);
  }

  async emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K], tx: Tx, ctx: RequestContext): Promise<void> {
    for (const h of this.handlers.get(event) ?? []) await h(payload, tx, ctx);
  }
}
