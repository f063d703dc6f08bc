/** File names a scenario writes that depend on time. */
import { AWS_ACCOUNT, AWS_REGION } from './world.js';

/** CloudTrail delivers one file per account, region and interval; the scenario uses hourly files. */
export function cloudtrailPath(at: number): string {
  const d = new Date(at);
  const stamp = d.toISOString().slice(0, 13).replace(/[-:]/g, '').replace('T', 'T') + '00Z';
  return `cloudtrail/${AWS_ACCOUNT}_CloudTrail_${AWS_REGION}_${stamp}.json`;
}
