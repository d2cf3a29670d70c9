// The duty lists' events, declared by merging into the platform's DomainEvents.
import '../../platform/events.js';

declare module '../../platform/events.js' {
  interface DomainEvents {
    /** A township's lists changed: a new version was written (inside its transaction). */
    'duty.listChanged': { townshipId: number; treePath: string; version: number; kind: string; removedItemIds: number[] };
  }
}
