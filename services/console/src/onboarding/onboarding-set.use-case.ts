import { createHash } from 'node:crypto';
import type { LabelledBox } from '@argus/contracts';
import type {
  AlertRepository,
  AlertStatus,
  AuditLogRepository,
  FrameRepository,
  LineRepository,
  ModelRegistryRepository,
  ProductionLine,
  ReviewRepository,
} from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import type { ObjectStore } from '@argus/storage';
import { NewLineAuditActions } from './new-line.audit';
import { onboardingSettingsOf } from './line-setup.use-case';
import { type BaseCandidate, type SuggestedBase, suggestNearestBase } from './nearest-base.rule';
import { NewLineErrorCodes } from './new-line.errors';
import type { OnboardingImageReader } from './onboarding-image.reader';

/** A frame of the onboarding set: an audit item of reason `onboarding`, labelled on the review page. */
export interface OnboardingItemView {
  /** The audit item: `GET/POST /api/v1/alerts/:id(/reviews)` label it with the box tools. */
  readonly alertId: string;
  readonly frameId: string;
  readonly cameraId: string;
  readonly width: number;
  readonly height: number;
  readonly status: AlertStatus;
  /** Reviewed: its latest review's boxes are its label (none: a frame with nothing to find). */
  readonly labelled: boolean;
  readonly boxes: readonly LabelledBox[];
}

/** A frame of the line not in the set yet, to pick. */
export interface AvailableFrameView {
  readonly frameId: string;
  readonly cameraId: string;
  readonly width: number;
  readonly height: number;
  readonly capturedAt: string;
}

export interface OnboardingSetView {
  readonly lineId: string;
  /** Whether the line compares its frames with a golden template (null: its settings do not say). */
  readonly usesTemplate: boolean | null;
  /** The nearest production model to adapt from (suggestNearestBase), null when no line has one. */
  readonly suggestedBase: SuggestedBase | null;
  readonly items: readonly OnboardingItemView[];
  readonly available: readonly AvailableFrameView[];
}

/** The most frames a set holds and a listing shows: a few-shot set is tens of frames, not thousands. */
export const ONBOARDING_SET_LIMIT = 500;
const AVAILABLE_PER_CAMERA = 100;

/**
 * The wizard's frames: uploaded into the line (object store + frame row, as camera-ingest stores a
 * frame, but not announced: nothing scores a line without a model) or picked from the frames the
 * line already has, then put in its onboarding set as audit items of reason `onboarding`. That is
 * the whole trick of the labelling step: the review page's box tools label them, the review is
 * stored in Postgres and published as `inspection.review.submitted.v1`, and continual-fine-tune
 * records it as a label like any other, which its data set versions are made of.
 *
 * An audit item names the model version it is material for: here the base the line will be
 * adapted from (the set is its training data).
 */
export class OnboardingSetUseCase {
  constructor(
    private readonly lines: Pick<LineRepository, 'findLineWithCameras'>,
    private readonly frames: Pick<FrameRepository, 'recordIngested' | 'findById' | 'listForCamera'>,
    private readonly alerts: Pick<AlertRepository, 'createAuditItemOnce' | 'findAuditItems'>,
    private readonly reviews: Pick<ReviewRepository, 'latestReviewsFor'>,
    private readonly registry: Pick<ModelRegistryRepository, 'findVersion' | 'productionPointers'>,
    private readonly audit: Pick<AuditLogRepository, 'append'>,
    private readonly store: Pick<ObjectStore, 'put'>,
    private readonly images: OnboardingImageReader,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Stores an uploaded frame on the line's camera; the same bytes twice are one frame. */
  async upload(lineId: string, cameraId: string, bytes: Uint8Array, by: string): Promise<AvailableFrameView> {
    const { template } = await this.requireLine(lineId);
    const image = await this.images.read(bytes, `onboarding frame for ${lineId}/${cameraId}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const objectKey = `${lineId}/${cameraId}/onboarding/${sha256.slice(0, 32)}.${image.extension}`;
    await this.store.put(objectKey, Buffer.from(bytes), { contentType: image.contentType });
    // The frame row names its camera: an unknown camera is refused there (camera.not-found, 404).
    const { frame, created } = await this.frames.recordIngested({
      lineId,
      cameraId,
      objectKey,
      contentType: image.contentType,
      templateKey: template?.objectKey ?? null,
      width: image.width,
      height: image.height,
      byteSize: bytes.length,
      sha256,
      capturedAt: this.now(),
    });
    if (created) {
      await this.audit.append({
        actor: by,
        action: NewLineAuditActions.framesUploaded,
        subjectType: 'production_line',
        subjectId: lineId,
        after: { frameId: frame.id, cameraId, objectKey, width: image.width, height: image.height },
      });
    }
    return { frameId: frame.id, cameraId, width: frame.width, height: frame.height, capturedAt: frame.capturedAt.toISOString() };
  }

  /** Puts the line's frames in its onboarding set for `baseModelVersionId` (a frame already in it stays as it is). */
  async pick(lineId: string, frameIds: readonly string[], baseModelVersionId: string, by: string): Promise<OnboardingSetView> {
    await this.requireLine(lineId);
    if (!(await this.registry.findVersion(baseModelVersionId))) {
      throw new DomainError(NewLineErrorCodes.baseModelInvalid, `model version ${baseModelVersionId} is not registered`);
    }
    const frames = [];
    for (const frameId of new Set(frameIds)) {
      const frame = await this.frames.findById(frameId);
      if (!frame || frame.lineId !== lineId) {
        throw new DomainError(NewLineErrorCodes.frameNotOnLine, `frame ${frameId} is not a frame of line "${lineId}"`, { frameId });
      }
      frames.push(frame);
    }
    const added: string[] = [];
    for (const frame of frames) {
      const { created } = await this.alerts.createAuditItemOnce({
        frameId: frame.id,
        lineId,
        cameraId: frame.cameraId,
        modelVersionId: baseModelVersionId,
        detections: [],
        // First in the audit queue: these frames are what the line waits for.
        audit: { reason: 'onboarding', uncertainty: 1 },
      });
      if (created) added.push(frame.id);
    }
    if (added.length > 0) {
      await this.audit.append({
        actor: by,
        action: NewLineAuditActions.framesPicked,
        subjectType: 'production_line',
        subjectId: lineId,
        after: { frameIds: added, baseModelVersionId },
      });
    }
    return this.view(lineId);
  }

  async view(lineId: string): Promise<OnboardingSetView> {
    const { line, cameras } = await this.requireLine(lineId);
    const usesTemplate = onboardingSettingsOf(line.settings).usesTemplate ?? null;
    const items = await this.items(lineId);
    const inSet = new Set(items.map((i) => i.frameId));
    const available: AvailableFrameView[] = [];
    for (const camera of cameras) {
      for (const frame of await this.frames.listForCamera(lineId, camera.id, { limit: AVAILABLE_PER_CAMERA })) {
        if (inSet.has(frame.id)) continue;
        available.push({
          frameId: frame.id,
          cameraId: frame.cameraId,
          width: frame.width,
          height: frame.height,
          capturedAt: frame.capturedAt.toISOString(),
        });
      }
    }
    return { lineId, usesTemplate, suggestedBase: suggestNearestBase(await this.productionModels(), usesTemplate), items, available };
  }

  /** Every model in production on some line, with the lines it serves. */
  private async productionModels(): Promise<BaseCandidate[]> {
    const lines = new Map<string, string[]>();
    for (const pointer of await this.registry.productionPointers()) {
      lines.set(pointer.modelVersionId, [...(lines.get(pointer.modelVersionId) ?? []), pointer.lineId]);
    }
    const candidates: BaseCandidate[] = [];
    for (const [modelVersionId, served] of lines) {
      const version = await this.registry.findVersion(modelVersionId);
      if (!version) continue;
      const { name, usesTemplate, createdAt } = version;
      candidates.push({ modelVersionId, name, version: version.version, usesTemplate, createdAt, lines: served });
    }
    return candidates;
  }

  /** The set, oldest first (the order frames were picked in). */
  async items(lineId: string): Promise<OnboardingItemView[]> {
    const audits = (await this.alerts.findAuditItems({ lineId }, { limit: ONBOARDING_SET_LIMIT })).filter(
      (a) => a.audit?.reason === 'onboarding',
    );
    const latest = await this.reviews.latestReviewsFor(audits.map((a) => a.id));
    return audits.map((a) => {
      const review = latest.get(a.id);
      return {
        alertId: a.id,
        frameId: a.frameId,
        cameraId: a.cameraId,
        width: a.frame.width,
        height: a.frame.height,
        status: a.status,
        labelled: review !== undefined,
        boxes: review ? review.boxes.map((b) => ({ className: b.className, box: { ...b.box } })) : [],
      };
    });
  }

  private async requireLine(
    lineId: string,
  ): Promise<{ line: ProductionLine; cameras: readonly { id: string }[]; template: { objectKey: string } | null }> {
    const found = await this.lines.findLineWithCameras(lineId);
    if (!found) throw new DomainError(CommonErrorCodes.notFound, `line "${lineId}" does not exist`);
    return found;
  }
}
