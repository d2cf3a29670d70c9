// The shape every domain module presents to the app: its service (the only thing other modules
// may use), its routes, and optional start/stop hooks for background work.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export interface AppModule<S> {
  readonly name: string;
  readonly service: S;
  readonly routes?: FastifyPluginAsyncTypebox;
  /** Idempotent start-up work on the database (default rows), run by buildApp. */
  init?(): Promise<void>;
  /** Background work (subscriptions, timers), run by startBackground. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
