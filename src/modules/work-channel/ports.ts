// What the work channel needs from other modules, as ports passed in at composition
// (src/modules/index.ts). The channel never reads another module's tables.
import type { DbOrTx } from '../../db/client.js';

/** An item on a township's duty lists (权责清单), as the duty-lists module answers for admission. */
export interface AdmittedDutyItem {
  id: number;
  name: string;
  /** basic 基本履职事项, cooperative 配合履职事项, taken_back 上级部门收回事项 */
  listKind: 'basic' | 'cooperative' | 'taken_back';
  townshipNodeId: number;
  /** The matching upper department; null when the item names none. */
  departmentId: number | null;
}

/** The duty lists: is this item admitted for this township? null when it is not on its lists. */
export interface DutyItemPort {
  admittedItem(itemId: number, nodeId: number): Promise<AdmittedDutyItem | null>;
}

/** The registry's base-data freshness (定期维护): overdue review groups under a node. */
export interface StaleDataPort {
  staleCounts(db: DbOrTx, rootPath: string): Promise<{ overdue: number; dueIn7Days: number; records: number }>;
}

/** Approved report templates a task may link to instead of asking for the numbers again. */
export interface ReportTemplatePort {
  approvedByCode(code: string): Promise<{ code: string; title: string; departmentName: string } | undefined>;
}
