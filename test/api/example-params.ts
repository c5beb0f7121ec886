/** Valid example path parameters for routes that take them (shapes only: the data need not exist). */
export const exampleParams: Record<string, string> = {
  modelId: 'pde-001',
  cellId: 'L1-C001',
  lineId: 'L1',
  commandId: `cmd-${'0'.repeat(32)}`,
  runId: 'opt-L1-0123456789abcdef',
  ruleId: 'bath-hot',
  alertId: 'al-0123456789abcdef01234567',
};
