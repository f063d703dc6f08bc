/**
 * Store.dropOrphanIncidents' condition, the same SQL for both stores: an incident that no alert
 * belongs to any more and that nobody has worked on (open, unassigned, no response action).
 */
export const ORPHAN_INCIDENT_SQL = `status = 'open' AND assignee IS NULL
  AND NOT EXISTS (SELECT 1 FROM alerts WHERE alerts.incident_id = incidents.id)
  AND NOT EXISTS (SELECT 1 FROM response_actions WHERE response_actions.incident_id = incidents.id)`;
