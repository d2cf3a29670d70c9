// Demo content for the work channel (工作通道): the featured street sends its communities a task
// and a notice, each citing an item of its own duty lists (权责清单), so that the community
// worker's inbox shows real asks beside the report reminders. Sent through the module's service,
// as the street officer would; a second run sends nothing.
import type { BuiltApp } from '../../app.js';
import { contextOf } from './duties.js';

export async function seedChannelDemo(built: BuiltApp, opts: { log?: (m: string) => void } = {}): Promise<number> {
  const street = await contextOf(built, 'street');
  const community = await contextOf(built, 'community');
  if (!street || !community) return 0;
  const channel = built.modules.workChannel.service.tasks;
  if ((await channel.listSent(street, { limit: 1, offset: 0 })).total > 0) return 0;
  const lists = await built.modules.dutyLists.service.lists.lists(street, street.principal.nodeId, {});
  const byName = (name: string) => lists.items.find((i) => i.name === name && i.listKind !== 'taken_back');
  const elderly = byName('养老服务');
  const safety = byName('安全生产属地管理');
  let sent = 0;
  if (elderly) {
    await channel.send(street, {
      kind: 'task', title: '冬季独居老人取暖安全排查', dutyItemId: elderly.id, unitIds: [community.principal.nodeId], workingDays: 5,
      body: '请各网格对辖区独居、空巢老人逐户走访，查看取暖设施和燃气使用情况，走访记录在系统中登记即可，无需另报表格；发现隐患当场处置并在完成时说明。',
    });
    sent++;
  }
  if (safety) {
    await channel.send(street, {
      kind: 'notice', title: '关于做好元旦期间安全生产工作的通知', dutyItemId: safety.id, allUnder: { nodeId: street.principal.nodeId, level: 'community' }, workingDays: 3,
      body: '元旦假期将至，请各社区加强对辖区沿街商铺、小区充电设施的安全巡查，假期值班安排报街道应急办。',
    });
    sent++;
  }
  opts.log?.(`work channel: ${sent} asks sent by the demo street`);
  return sent;
}
