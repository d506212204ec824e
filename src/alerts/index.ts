export { alertId, buildAlert, SEVERITY_NUMBER, type Alert, type AlertLinks } from './alert.js';
export { ALERTS_MAPPINGS, alertDocs, alertsIndexName, ensureAlertsIndex, writeAlerts } from './sinks/es.js';
