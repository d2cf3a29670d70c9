// The work channel's events, declared by merging into the platform's DomainEvents.
import '../../platform/events.js';

declare module '../../platform/events.js' {
  interface DomainEvents {
    /** A task or notice was sent down to units. */
    'workChannel.taskSent': { taskId: number; dutyItemId: number; units: number; senderPath: string };
    /** A street blew the whistle and summoned departments. */
    'workChannel.whistleRaised': { whistleId: number; streetNodeId: number; departmentIds: number[]; reason: string };
  }
}
