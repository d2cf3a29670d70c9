// The __title__ module's events, declared by merging into the platform's DomainEvents.
import '../../platform/events.js';

declare module '../../platform/events.js' {
  interface DomainEvents {
    /** An item was created. */
    '__name__.created': { id: number; treePath: string };
  }
}
