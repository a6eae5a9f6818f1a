/** The quiet-failure rules (docs/alerts.md): a mark beside the health state, judged against the plugin's own history. */

export const ANOMALY_RULES = ["nothing_transferred", "transfer_spike", "transfer_drop", "selection_shrank", "slow", "plugin_missing"] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

export interface Anomaly {
  plugin: string;
  rule: AnomalyRule;
  /** The session it was seen in (its start, as the history has it); null for a plugin that stopped appearing. */
  sessionStart: string | null;
  /** In words, with the figures, for the page, the wall and a message. */
  reason: string;
  observed: number | null;
  expected: number | null;
}
