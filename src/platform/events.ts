// Typed in-process events between modules. A module announces what happened (a grid moved, a
// resident was written); others react without reaching into its tables. Handlers run inside the
// emitter's transaction when one is given, so their writes commit or roll back together.
import type { Tx } from '../db/client.js';
import type { RequestContext } from './context.js';

/**
 * Every module's events, by declaration merging: a module declares its own in its `events.ts`
 * (`declare module '../../platform/events.js' { interface DomainEvents { 'tree.gridMoved': … } }`),
 * so the platform names no module and the compiler still checks every emit and every handler.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by each module's events.ts
export interface DomainEvents {}

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
