// The tree's events: the records placed on a grid follow it when it moves or splits.
import '../../platform/events.js';

declare module '../../platform/events.js' {
  interface DomainEvents {
    /** A grid was moved under another community (its path changed). */
    'tree.gridMoved': { gridId: number; oldPath: string; newPath: string; newDistrictCode: string; effectiveDate: string };
    /**
     * A grid was split: records must be reassigned from `fromGridId` to the successors. Records in
     * the buildings listed at index i go to successor i; the rest go to the first successor.
     */
    'tree.gridSplit': { fromGridId: number; successorGridIds: number[]; effectiveDate: string; buildingAssignments: number[][] };
  }
}
