export { evtxJsonMapper, winlogbeatJsonMapper } from './mappers.js';
export { windowsToEcs } from './ecs.js';
export { recordFromEvtx, recordFromWinlogbeat, type WinRecord, type RecordResult } from './record.js';
export { SECURITY_EVENTS } from './security.js';
export { SYSMON_EVENTS } from './sysmon.js';

import { evtxJsonMapper, winlogbeatJsonMapper } from './mappers.js';
import type { Mapper } from '../types.js';

/** Every Windows mapper, for the normalizer registry. */
export const windowsMappers: readonly Mapper[] = [evtxJsonMapper, winlogbeatJsonMapper];
