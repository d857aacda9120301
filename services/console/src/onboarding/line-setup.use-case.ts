import { createHash } from 'node:crypto';
import type { AuditLogRepository, LineRepository, LineSettings, ProductionLine } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import type { ObjectStore } from '@argus/storage';
import { NewLineAuditActions } from './new-line.audit';
import { NewLineErrorCodes } from './new-line.errors';
import type { OnboardingImageReader } from './onboarding-image.reader';

/** What kind of frames a line's cameras send: decides nothing here, it tells the wizard which base models fit. */
export const FEED_KINDS = ['factory', 'pcb', 'medical', 'driving', 'other'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export interface NewLineCommand {
  readonly id: string;
  readonly name: string;
  readonly feedKind: FeedKind;
  /** Whether the line's frames are compared with a golden template (stack-difference models). */
  readonly usesTemplate: boolean;
}

/** A new line's own settings, kept in the line's free-form settings (no migration for a hint). */
export interface OnboardingSettings {
  readonly feedKind?: FeedKind;
  readonly usesTemplate?: boolean;
}

export function onboardingSettingsOf(settings: LineSettings): OnboardingSettings {
  const feedKind = (FEED_KINDS as readonly unknown[]).includes(settings['feedKind']) ? (settings['feedKind'] as FeedKind) : undefined;
  const usesTemplate = typeof settings['usesTemplate'] === 'boolean' ? settings['usesTemplate'] : undefined;
  return { ...(feedKind ? { feedKind } : {}), ...(usesTemplate !== undefined ? { usesTemplate } : {}) };
}

/**
 * The wizard's first step: a line outside the seed, its cameras and its golden template. Each
 * change is audited after it is made (an entry never describes a change that failed).
 */
export class LineSetupUseCase {
  constructor(
    private readonly lines: Pick<LineRepository, 'createLineIfAbsent' | 'findLine' | 'findCamera' | 'addCamera' | 'setTemplate'>,
    private readonly audit: Pick<AuditLogRepository, 'append'>,
    private readonly store: Pick<ObjectStore, 'put'>,
    private readonly images: OnboardingImageReader,
  ) {}

  async createLine(command: NewLineCommand, by: string): Promise<ProductionLine> {
    const settings = { feedKind: command.feedKind, usesTemplate: command.usesTemplate };
    const line = await this.lines.createLineIfAbsent({ id: command.id, name: command.name, settings });
    if (!line) throw new DomainError(NewLineErrorCodes.lineIdTaken, `a line with id "${command.id}" exists already: choose another id`);
    await this.audit.append({
      actor: by,
      action: NewLineAuditActions.lineCreated,
      subjectType: 'production_line',
      subjectId: line.id,
      after: { name: line.name, ...settings },
    });
    return line;
  }

  async addCamera(lineId: string, camera: { readonly id: string; readonly name: string }, by: string) {
    await this.requireLine(lineId);
    if (await this.lines.findCamera(lineId, camera.id)) {
      throw new DomainError(NewLineErrorCodes.cameraIdTaken, `line "${lineId}" has a camera "${camera.id}" already: choose another id`);
    }
    const added = await this.lines.addCamera({ lineId, id: camera.id, name: camera.name });
    await this.audit.append({
      actor: by,
      action: NewLineAuditActions.cameraAdded,
      subjectType: 'production_line',
      subjectId: lineId,
      after: { cameraId: added.id, name: added.name },
    });
    return added;
  }

  /** Stores the image under a key named by its content (a new template never overwrites the bytes older frames refer to). */
  async setTemplate(lineId: string, bytes: Uint8Array, by: string) {
    const line = await this.requireLine(lineId);
    if (onboardingSettingsOf(line.settings).usesTemplate === false) {
      throw new DomainError(
        NewLineErrorCodes.templateNotExpected,
        `line "${lineId}" was created without a golden template: its frames are not compared with one`,
      );
    }
    const image = await this.images.read(bytes, `golden template of line ${lineId}`);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const objectKey = `${lineId}/templates/golden-${digest.slice(0, 16)}.${image.extension}`;
    await this.store.put(objectKey, Buffer.from(bytes), { contentType: image.contentType });
    const template = await this.lines.setTemplate(lineId, { objectKey, width: image.width, height: image.height });
    await this.audit.append({
      actor: by,
      action: NewLineAuditActions.templateSet,
      subjectType: 'production_line',
      subjectId: lineId,
      after: { objectKey, width: image.width, height: image.height, sha256: digest },
    });
    return template;
  }

  private async requireLine(lineId: string): Promise<ProductionLine> {
    const line = await this.lines.findLine(lineId);
    if (!line) throw new DomainError(CommonErrorCodes.notFound, `line "${lineId}" does not exist`);
    return line;
  }
}
