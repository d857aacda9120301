import { type ModelsFolder, modelLabel, placeholderName, PLACEHOLDER_VERSION } from './placeholder-model.builder';

/**
 * What `npm start` says about its models, by model name and version (`pcb-template-s4@…`), the
 * way the status line, the console and the registry name them; a folder name (`deeppcb`) is
 * said only as where the packages came from.
 */
export function modelsBannerLines(models: Pick<ModelsFolder, 'shipped' | 'placeholders'>, shippedDir: string): string[] {
  const lines: string[] = [];
  if (models.shipped.length > 0) {
    lines.push(`  models   shipped: ${models.shipped.map(modelLabel).join(', ')} (from ${shippedDir}; registered, and promoted on lines without a model)`);
  }
  if (models.placeholders.length > 0) {
    lines.push(`  models   no trained model for ${models.placeholders.join(', ')} in ${shippedDir || '(ARGUS_MODELS_DIR empty)'}:`);
    lines.push(`           using ${models.placeholders.map((feed) => modelLabel({ name: placeholderName(feed), version: PLACEHOLDER_VERSION })).join(', ')} — UNTRAINED (random weights):`);
    lines.push('           its detections and alerts are meaningless. Train one (argus train), put it under models/.');
  }
  return lines;
}
