import type { Mapper } from './types.js';
import { cloudtrailMapper } from './cloudtrail/index.js';
import { linuxMapper } from './linux/index.js';
import { oktaMapper } from './okta/index.js';
import { suricataMapper } from './suricata/index.js';
import { zeekMapper } from './zeek/index.js';

/** Every non-Windows source mapper, highest detection priority first; `generic` is the fallback. */
export const mappers: readonly Mapper[] = [linuxMapper, oktaMapper, cloudtrailMapper, zeekMapper, suricataMapper]
  .sort((a, b) => b.priority - a.priority);
