// The reports module's events: reminders recorded for due reports (催报) and a due report
// submitted, so that the work channel's inbox can carry them beside everything else asked of a unit.
import '../../platform/events.js';

export interface ReportReminderEvent {
  dueId: number;
  /** soon (due within three days) or overdue */
  kind: string;
  unitNodeId: number;
  treePath: string;
  districtCode: string;
  templateCode: string;
  templateTitle: string;
  /** The department that filed the template (who asks). */
  departmentName: string;
  period: string;
  deadline: string;
}

declare module '../../platform/events.js' {
  interface DomainEvents {
    /** Reminders were recorded about due reports (one entry per reminder). */
    'reports.remindersRecorded': { reminders: ReportReminderEvent[] };
    /** A due report was submitted. */
    'reports.dueSubmitted': { dueId: number; unitNodeId: number; submissionId: number };
  }
}
