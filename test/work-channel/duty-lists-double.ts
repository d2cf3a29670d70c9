// A TEST DOUBLE of the duty lists (权责清单) behind the work channel's DutyItemPort: items
// admitted per township, kept in memory. It stands in for the duty-lists module in tests only;
// the application connects the real module (src/modules/index.ts).
import type { AdmittedDutyItem, DutyItemPort } from '../../src/modules/work-channel/index.js';

export class DutyListsTestDouble implements DutyItemPort {
  private readonly items = new Map<string, AdmittedDutyItem>();
  readonly asked: { itemId: number; nodeId: number }[] = [];

  /** Puts an item on a township's list. */
  admit(item: AdmittedDutyItem): this {
    this.items.set(`${item.id}:${item.townshipNodeId}`, item);
    return this;
  }

  async admittedItem(itemId: number, nodeId: number): Promise<AdmittedDutyItem | null> {
    this.asked.push({ itemId, nodeId });
    return this.items.get(`${itemId}:${nodeId}`) ?? null;
  }
}
