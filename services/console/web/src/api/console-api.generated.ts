/**
 * Generated from services/console/openapi.json by `npm run api:generate -w @argus/console`: do not edit.
 * The UI names these types in api-types.ts.
 */
export interface paths {
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['HealthController_live'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['HealthController_ready'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign in with username and password; sets the argus_session cookie */
    post: operations['AuthController_signIn'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End this session (the cookie is cleared) */
    post: operations['AuthController_signOut'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who is signed in, and until when */
    get: operations['AuthController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every console user */
    get: operations['UsersController_list'];
    put?: never;
    /** Create a user (audited as user.created) */
    post: operations['UsersController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change role, disabled, display name or password (audited as user.changed) */
    patch: operations['UsersController_change'];
    trace?: never;
  };
  '/api/v1/service-tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every service token, revoked ones included (never the secret) */
    get: operations['ServiceTokensController_list'];
    put?: never;
    /** Issue a token; the secret is in this answer only (audited as service-token.created) */
    post: operations['ServiceTokensController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/service-tokens/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a token (audited as service-token.revoked) */
    delete: operations['ServiceTokensController_revoke'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The audit log, newest first, filtered and paged */
    get: operations['AuditController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/alerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AlertsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/alerts/count': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AlertsController_count'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/alerts/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AlertsController_streamEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/alerts/bulk-review': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['AlertsController_bulkReview'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/alerts/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AlertsController_detail'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/alerts/{id}/reviews': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['AlertsController_review'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit-items': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AuditItemsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/frames/{frameId}/image': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['FramesController_image'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/frames/{frameId}/template': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['FramesController_template'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Model versions, newest first, with the lines each is in production on */
    get: operations['ModelsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/models/compare': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Two versions side by side: per-class AP, overall mAP, and evaluationData (same | different | unverified: whether both evaluations scored the same images, and why)
     * @description deltaAp50 is null across different evaluation data: a higher AP on other images says nothing about which model is better.
     */
    get: operations['ModelsController_compare'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/models/{id}/promotions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The version's promotions and rollbacks on every line (to or from it), newest first */
    get: operations['ModelsController_promotions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/models/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One version: metrics, evaluation (with the data it scored), lineage, training record, latency */
    get: operations['ModelsController_detail'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/promotions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The line's promotions and rollbacks, newest first, and rollbackTo: the version a rollback would restore (null: nothing to roll back to) */
    get: operations['PromotionsController_timeline'];
    put?: never;
    /** Put a version into production on the line (reason required); publishes model.version.promoted.v1 */
    post: operations['PromotionsController_promote'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/rollback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Return the line to the version in production before the current one */
    post: operations['PromotionsController_rollback'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['LinesController_list'];
    put?: never;
    /** Creates a line (audited: line.created); a taken id answers 409 line.id-taken */
    post: operations['NewLineController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/dashboard': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['DashboardController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/datasets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The line's data set versions, newest first: counts per class and split, hard negatives, what changed */
    get: operations['DatasetsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/datasets/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One data set version, with the frames it added and relabelled */
    get: operations['DatasetsController_detail'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/datasets/{id}/manifest': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The version’s Argus sample manifest (JSON lines; what argus train|finetune|eval --data manifest: read) */
    get: operations['DatasetsController_manifest'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/datasets/{id}/coco': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The version as COCO JSON */
    get: operations['DatasetsController_coco'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/training-jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The line's fine-tune jobs, newest first: status, triggers, attempt, worker, progress, outcome, candidate */
    get: operations['TrainingJobsController_list'];
    put?: never;
    /** Trigger now: publishes training.job.trigger-requested.v1 (audited); continual-fine-tune answers on the jobs stream (training.trigger-answered: the queued job, or why not) */
    post: operations['TrainingJobsController_trigger'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/training-jobs/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['TrainingJobsController_streamEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/training-jobs/{jobId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One fine-tune job */
    get: operations['TrainingJobsController_detail'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/training-jobs/{jobId}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ask a queued or running job to stop (audited); the trainer stops at its next step and the job ends cancelled */
    post: operations['TrainingJobsController_cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/candidates/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A candidate: its version, gates (gate-report.json and the gatesPassed metric), whether promoting needs an admin override, the job and data set version that made it, its shadow section */
    get: operations['CandidatesController_detail'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/learning-policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The line's learning policy: its own trigger settings and auto-promotion (null: continual-fine-tune's default) */
    get: operations['LearningPolicyController_get'];
    /** Replaces the line's learning policy (audited: line.learning-policy.changed). A setting left out or null follows continual-fine-tune's default; auto-promotion is off unless `autoPromotion.enabled` is true */
    put: operations['LearningPolicyController_replace'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/searches': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Searches, newest first, with their progress (best so far, front size, trials/hour, elapsed, budget) */
    get: operations['SearchesController_list'];
    put?: never;
    /** Start a search: publishes search.run.requested.v1 (audited); 400 names every bad field */
    post: operations['SearchesController_start'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/searches/{searchId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One search: settings, progress, its points (one per trial at its highest rung), the front, the line's production model */
    get: operations['SearchesController_detail'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/searches/{searchId}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a running search: publishes search.run.cancel-requested.v1 (audited); running trials finish and are recorded */
    post: operations['SearchesController_cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/searches/{searchId}/trials/{trialId}/train': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Train a trial fully: publishes search.training.requested.v1 (audited); architecture-search trains its spec like the shipped model and registers a candidate with the search's lineage */
    post: operations['SearchesController_train'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/cameras': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Adds a camera to the line (audited: line.camera-added); a taken id answers 409 line.camera-id-taken */
    post: operations['NewLineController_addCamera'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/template': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Stores the line's golden template (the body: a PNG or JPEG image; audited: line.template-set). 409 for a line created without one, 422 for bytes that are no image */
    put: operations['NewLineController_setTemplate'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/onboarding': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The line's onboarding set (with each frame's label) and its other frames to pick from */
    get: operations['NewLineController_onboardingSet'];
    put?: never;
    /** Puts frames of the line in its onboarding set (audit items of reason onboarding, labelled on the review page; audited: line.onboarding-frames-picked). 422 for a frame of another line or an unregistered base */
    post: operations['NewLineController_pick'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/cameras/{cameraId}/onboarding-frames': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Uploads a frame to the line's camera (the body: a PNG or JPEG image; audited: line.onboarding-frames-uploaded); the same bytes again are the same frame. Pick it into the set next */
    post: operations['NewLineController_upload'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/lines/{lineId}/adaptations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Adapt: publishes training.job.trigger-requested.v1 with the adaptation (audited: line.adaptation-requested); continual-fine-tune answers on the jobs stream. 422 when a shot is not a labelled frame of the set or no labelled frame is left to evaluate on */
    post: operations['NewLineController_adapt'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    User: {
      id: string;
      username: string;
      displayName: string;
      /** @enum {string} */
      role: 'operator' | 'ml-engineer' | 'admin';
      disabled: boolean;
      /** Format: date-time */
      createdAt: string;
    };
    UserList: {
      items: components['schemas']['User'][];
    };
    /** @description Who is signed in; `expiresAt` is null for a service token (it has no session). */
    Session: {
      user: components['schemas']['User'];
      /** Format: date-time */
      expiresAt: string | null;
    };
    ServiceToken: {
      id: string;
      name: string;
      /** @enum {string} */
      kind: 'camera' | 'service';
      /**
       * @description A service token's role; null for a camera token.
       * @enum {string|null}
       */
      role: 'operator' | 'ml-engineer' | 'admin' | null;
      createdBy: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      revokedAt: string | null;
      /** Format: date-time */
      lastUsedAt: string | null;
    };
    ServiceTokenList: {
      items: components['schemas']['ServiceToken'][];
    };
    /** @description A new token: `token` is the secret, shown in this answer only. */
    IssuedServiceToken: {
      token: string;
      serviceToken: components['schemas']['ServiceToken'];
    };
    AuditEntry: {
      id: string;
      actor: string;
      action: string;
      subjectType: string;
      subjectId: string;
      before: {
        [key: string]: unknown;
      } | null;
      after: {
        [key: string]: unknown;
      } | null;
      /** Format: date-time */
      at: string;
    };
    AuditPage: {
      items: components['schemas']['AuditEntry'][];
      /** @description Pass it back as `cursor` for the next page; null on the last one. */
      nextCursor: string | null;
    };
    /** @description The version in production on a line. */
    ProductionModel: {
      modelVersionId: string;
      name: string;
      version: string;
      /** Format: date-time */
      promotedAt: string;
    };
    Line: {
      id: string;
      name: string;
      cameras: {
        id: string;
        name: string;
      }[];
      hasTemplate: boolean;
      production: components['schemas']['ProductionModel'] | null;
    };
    LineList: {
      items: components['schemas']['Line'][];
    };
    /** @enum {string} */
    AlertStatus: 'open' | 'confirmed' | 'rejected' | 'corrected';
    /** @enum {string} */
    Severity: 'low' | 'medium' | 'high' | 'critical';
    /** @enum {string} */
    Decision: 'confirmed' | 'rejected' | 'corrected';
    Box: {
      x1: number;
      y1: number;
      x2: number;
      y2: number;
    };
    ScoredDetection: {
      className: string;
      score: number;
      box: components['schemas']['Box'];
    };
    LabelledBox: {
      className: string;
      box: components['schemas']['Box'];
    };
    Review: {
      id: string;
      /** @description The reviewer's display name. */
      reviewer: string;
      decision: components['schemas']['Decision'];
      boxes: components['schemas']['LabelledBox'][];
      comment: string | null;
      /** Format: date-time */
      createdAt: string;
    };
    /**
     * @description `defect`: raised by the line's alert rules; `audit`: a frame that raised no alert, sampled for an operator's look (a possible miss).
     * @enum {string}
     */
    AlertKind: 'defect' | 'audit';
    /** @description Why an audit item was sampled. */
    AuditItemFacts: {
      /**
       * @description `near-threshold`: the frame's best score fell just under the line's alert threshold; `random`: a random share of frames without an alert; `onboarding`: a frame of a new line's onboarding set (the new-line wizard), to be labelled.
       * @enum {string}
       */
      reason: 'near-threshold' | 'random' | 'onboarding';
      /** @description In [0, 1]: 1 when the best score sat at the threshold, 0 when the model found nothing; the audit queue's rank. */
      uncertainty: number;
    };
    AlertSummary: {
      id: string;
      frameId: string;
      lineId: string;
      cameraId: string;
      severity: components['schemas']['Severity'];
      status: components['schemas']['AlertStatus'];
      /** @description The distinct classes of its detections, in order of first appearance. */
      classes: string[];
      detections: components['schemas']['ScoredDetection'][];
      modelVersionId: string;
      /** Format: date-time */
      capturedAt: string;
      /** Format: date-time */
      createdAt: string;
      frame: {
        width: number;
        height: number;
      };
      /** @description The latest review (the reviewed ground truth: its boxes, labelled); null while open. */
      review: components['schemas']['Review'] | null;
      kind: components['schemas']['AlertKind'];
      /** @description An audit item's facts; null for a defect alert. An audit item's detections are the model's boxes under the threshold. */
      audit: components['schemas']['AuditItemFacts'] | null;
    };
    AlertPage: {
      items: components['schemas']['AlertSummary'][];
      /** @description Pass it back as `cursor` for the next page; null on the last one. */
      nextCursor: string | null;
    };
    /** @description Audit items (kind `audit`), most uncertain first, ties oldest first. */
    AuditItemPage: {
      items: components['schemas']['AlertSummary'][];
      /** @description Pass it back as `cursor` for the next page; null on the last one. */
      nextCursor: string | null;
    };
    /** @description How many alerts match a filter: exact up to 10,000, else an estimate (`exact: false`). */
    AlertCount: {
      count: number;
      exact: boolean;
    };
    AlertDetail: {
      id: string;
      frameId: string;
      lineId: string;
      cameraId: string;
      severity: components['schemas']['Severity'];
      status: components['schemas']['AlertStatus'];
      /** @description The distinct classes of its detections, in order of first appearance. */
      classes: string[];
      detections: components['schemas']['ScoredDetection'][];
      modelVersionId: string;
      /** Format: date-time */
      capturedAt: string;
      /** Format: date-time */
      createdAt: string;
      frame: {
        width: number;
        height: number;
      };
      /** @description The latest review (the reviewed ground truth: its boxes, labelled); null while open. */
      review: components['schemas']['Review'] | null;
      kind: components['schemas']['AlertKind'];
      /** @description An audit item's facts; null for a defect alert. An audit item's detections are the model's boxes under the threshold. */
      audit: components['schemas']['AuditItemFacts'] | null;
      imageUrl: string;
      templateUrl: string | null;
      /** @description The classes the alert's model knows: what a correction may relabel a box to. */
      modelClasses: string[];
      reviews: components['schemas']['Review'][];
      /** @description The model version that produced the detections, with its package's score thresholds. */
      model: {
        id: string;
        name: string;
        version: string;
        scoreThreshold: number | null;
        deploymentThreshold: number | null;
      } | null;
      /** @description The line's alert rules the alert's classes are judged by (as they are now). */
      alertRules: {
        className: string;
        minScore: number;
        minBoxAreaPx2: number;
        severity: components['schemas']['Severity'];
      }[];
    };
    ReviewAnswer: {
      review: components['schemas']['Review'];
      alert: components['schemas']['AlertSummary'];
      /** @description The earlier review this one disagrees with; null when none. */
      conflictsWith: string | null;
    };
    BulkResult:
      | {
          alertId: string;
          reviewId: string;
        }
      | {
          alertId: string;
          error: {
            code: string;
            message: string;
            reviewId?: string;
          };
        };
    BulkReviewAnswer: {
      results: components['schemas']['BulkResult'][];
    };
    /** @description The `alert.reviewed` event of `GET /api/v1/alerts/stream` (the `alert.raised` event's data is an AlertSummary). */
    AlertReviewedEvent: {
      alertId: string;
      status: components['schemas']['AlertStatus'];
      reviewId: string;
      reviewer: string;
    };
    ModelRef: {
      id: string;
      name: string;
      version: string;
    };
    ModelSummary: {
      id: string;
      name: string;
      version: string;
      backend: string;
      classes: string[];
      usesTemplate: boolean;
      /** Format: date-time */
      createdAt: string;
      metrics: {
        [key: string]: number;
      };
      parentVersionId: string | null;
      /** @description The lines it is in production on. */
      productionOn: string[];
    };
    ModelList: {
      items: components['schemas']['ModelSummary'][];
    };
    PrCurve: {
      recall: number[];
      precision: number[];
    };
    ClassEvaluation: {
      className: string;
      ap50: number | null;
      ap: number | null;
      curve50: components['schemas']['PrCurve'] | null;
    };
    /** @description What an evaluation scored (`argus eval`'s data source and split) and what identifies the images. */
    EvaluationData: {
      source: string;
      split: string;
      imageCount: number;
      fingerprint: string | null;
      /**
       * @description `evaluation`: recorded over the scored images; `training-data`: the version's training-data fingerprint, which fixes its held-out split.
       * @enum {string|null}
       */
      fingerprintOf: 'evaluation' | 'training-data' | null;
    };
    /** @description How a version was trained, from its package's metadata. */
    TrainingRecord: {
      command: string;
      resumedWith: string[];
      backend: string | null;
      epochsRun: number | null;
      bestEpoch: number | null;
      stopReason: string | null;
      trainingSeconds: number | null;
      trainImages: number | null;
      validationImages: number | null;
      hyperparameters: {
        [key: string]: unknown;
      };
    };
    Evaluation: {
      data: components['schemas']['EvaluationData'];
      imageCount: number;
      map50: number;
      map: number;
      perClass: components['schemas']['ClassEvaluation'][];
      /** @description Measured in the pipeline; null before the version scored any frame. */
      latencyMs: {
        p50: number;
        p95: number;
      } | null;
    };
    ModelDetail: {
      id: string;
      name: string;
      version: string;
      backend: string;
      classes: string[];
      usesTemplate: boolean;
      /** Format: date-time */
      createdAt: string;
      metrics: {
        [key: string]: number;
      };
      parentVersionId: string | null;
      /** @description The lines it is in production on. */
      productionOn: string[];
      spec: {
        [key: string]: unknown;
      };
      trainingDataFingerprint: string | null;
      lineage: {
        parent: components['schemas']['ModelRef'] | null;
        trainingData: {
          source: string;
          fingerprint: string;
          split: string;
          trainedOn?: string;
        } | null;
      };
      evaluation: components['schemas']['Evaluation'] | null;
      /** @description Null when the package records none (and always in a comparison, which does not read it). */
      training: components['schemas']['TrainingRecord'] | null;
    };
    /** @description Whether two evaluations scored the same images; deltas mean something only when `comparable`. */
    EvaluationComparability: {
      /** @enum {string} */
      verdict: 'same' | 'different' | 'unverified';
      comparable: boolean;
      /** @description Why, naming the data each version was evaluated on. */
      reason: string;
      a: components['schemas']['EvaluationData'] | null;
      b: components['schemas']['EvaluationData'] | null;
    };
    ModelComparison: {
      a: components['schemas']['ModelDetail'];
      b: components['schemas']['ModelDetail'];
      perClass: {
        className: string;
        a: {
          ap50: number | null;
          ap: number | null;
        } | null;
        b: {
          ap50: number | null;
          ap: number | null;
        } | null;
        /** @description b − a at IoU 0.5; null unless both have a number and the evaluations are not on different data. */
        deltaAp50: number | null;
      }[];
      /** @description Falls back to the registered metrics. */
      overall: {
        a: {
          map50: number | null;
          map: number | null;
        };
        b: {
          map50: number | null;
          map: number | null;
        };
      };
      evaluationData: components['schemas']['EvaluationComparability'];
    };
    Promotion: {
      id: string;
      /** @enum {string} */
      kind: 'promotion' | 'rollback';
      from: components['schemas']['ModelRef'] | null;
      to: components['schemas']['ModelRef'];
      promotedBy: string;
      reason: string;
      /** Format: date-time */
      promotedAt: string;
    };
    /** @description A line's promotion timeline, newest first, and the version a rollback would restore (null: nothing to roll back to). */
    PromotionTimeline: {
      items: components['schemas']['Promotion'][];
      rollbackTo: components['schemas']['ModelRef'] | null;
    };
    /** @description `changed` is false when the version already was in production (nothing was written). */
    PromotionAnswer: {
      promotion: components['schemas']['Promotion'];
      changed: boolean;
    };
    /** @description A promotion or rollback to or from one version, on any line. */
    VersionPromotion: {
      id: string;
      /** @enum {string} */
      kind: 'promotion' | 'rollback';
      from: components['schemas']['ModelRef'] | null;
      to: components['schemas']['ModelRef'];
      promotedBy: string;
      reason: string;
      /** Format: date-time */
      promotedAt: string;
      lineId: string;
    };
    VersionPromotionList: {
      items: components['schemas']['VersionPromotion'][];
    };
    DashboardLine: {
      lineId: string;
      name: string;
      production: components['schemas']['ProductionModel'] | null;
      framesPerMinute: number;
      alertsPerMinute: number;
      /** @description Null when no frame arrived in the window. */
      defectRate: number | null;
      series: {
        /** Format: date-time */
        minute: string;
        frames: number;
        alerts: number;
      }[];
      /** @description Open alerts waiting for review. */
      backlog: components['schemas']['AlertCount'];
    };
    Dashboard: {
      /** Format: date-time */
      generatedAt: string;
      minutes: number;
      lines: components['schemas']['DashboardLine'][];
      pipeline: {
        consumerGroups: {
          groupId: string;
          topic: string;
          lag: number;
        }[];
        deadLetters: {
          topic: string;
          count: number;
        }[];
        /** @description Set (and the lists empty) when Kafka could not be asked. */
        error?: string;
      };
    };
    DatasetVersion: {
      id: string;
      lineId: string;
      number: number;
      parentId: string | null;
      fingerprint: string;
      holdoutShare: number;
      classes: string[];
      /** Format: date-time */
      createdAt: string;
      /** @description Who or what asked for it: a person, or `policy` (a trigger rule). */
      producedBy: string;
      frames: {
        train: number;
        holdout: number;
      };
      /** @description Frames whose ground truth is empty (rejected alerts): what teaches a detector to stop a false alarm. */
      hardNegatives: {
        train: number;
        holdout: number;
      };
      perClass: {
        className: string;
        trainFrames: number;
        holdoutFrames: number;
        trainBoxes: number;
        holdoutBoxes: number;
      }[];
      /** @description Frames, compared with the parent version. */
      changes: {
        added: number;
        relabelled: number;
        unchanged: number;
      };
    };
    DatasetVersionList: {
      items: components['schemas']['DatasetVersion'][];
    };
    DatasetVersionDetail: {
      id: string;
      lineId: string;
      number: number;
      parentId: string | null;
      fingerprint: string;
      holdoutShare: number;
      classes: string[];
      /** Format: date-time */
      createdAt: string;
      /** @description Who or what asked for it: a person, or `policy` (a trigger rule). */
      producedBy: string;
      frames: {
        train: number;
        holdout: number;
      };
      /** @description Frames whose ground truth is empty (rejected alerts): what teaches a detector to stop a false alarm. */
      hardNegatives: {
        train: number;
        holdout: number;
      };
      perClass: {
        className: string;
        trainFrames: number;
        holdoutFrames: number;
        trainBoxes: number;
        holdoutBoxes: number;
      }[];
      /** @description Frames, compared with the parent version. */
      changes: {
        added: number;
        relabelled: number;
        unchanged: number;
      };
      addedFrameIds: string[];
      relabelledFrameIds: string[];
    };
    TrainingJob: {
      id: string;
      lineId: string;
      /** @enum {string} */
      status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
      /** @description Why it was asked for: the rules that fired, or `manual`. */
      triggers: {
        kind: string;
        reason: string;
      }[];
      requestedBy: string;
      /** @description Deliveries a worker claimed (0 while queued; more than 1 after a worker died and another resumed). */
      attempt: number;
      workerId: string | null;
      cancelRequested: boolean;
      datasetVersionId: string;
      baseModelVersionId: string;
      epochs: number;
      progress: {
        phase: string;
        step: number;
        totalSteps: number;
        losses: {
          [key: string]: number;
        };
        validationAp: number | null;
        etaSeconds: number | null;
        message: string | null;
        /** Format: date-time */
        at: string | null;
      } | null;
      outcome: {
        /** @enum {string} */
        status: 'completed' | 'failed' | 'cancelled';
        errorCode: string | null;
        reason: string | null;
        durationMs: number | null;
        gateReasons: string[];
      } | null;
      candidate: {
        modelVersionId: string;
        gatesPassed: boolean | null;
      } | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      startedAt: string | null;
      /** Format: date-time */
      finishedAt: string | null;
    };
    TrainingJobList: {
      items: components['schemas']['TrainingJob'][];
    };
    /** @description A manual trigger on its way to continual-fine-tune; its answer (training.trigger-answered on the jobs stream) carries the same requestId. */
    TriggerRequest: {
      requestId: string;
      lineId: string;
      requestedBy: string;
      reason: string;
    };
    MatchCounts: {
      truePositives: number;
      falsePositives: number;
      falseNegatives: number;
      precision: number | null;
      recall: number | null;
    };
    Candidate: {
      version: {
        id: string;
        name: string;
        version: string;
        artifactKey: string;
        classes: string[];
        parentVersionId: string | null;
        metrics: {
          [key: string]: number;
        };
        /** Format: date-time */
        createdAt: string;
      };
      /** @description The version’s gatesPassed metric; null for a version the loop did not gate. */
      gatesPassed: boolean | null;
      gateReport: {
        passed: boolean;
        reasons: string[];
        checks: {
          kind: string;
          passed: boolean;
          detail: string;
          measured: number | null;
          limit: number | null;
        }[];
      } | null;
      promotion: {
        needsAdminOverride: boolean;
      };
      job: components['schemas']['TrainingJob'] | null;
      dataset: components['schemas']['DatasetVersion'] | null;
      /** @description The candidate as its line’s shadow: `none` (never shadowed it), `running` (the shadow now) or `ended`. */
      shadow: {
        /** @enum {string} */
        state: 'none' | 'running' | 'ended';
        message: string;
        lineId: string | null;
        framesScored: number;
        /** Format: date-time */
        firstScoredAt: string | null;
        /** Format: date-time */
        lastScoredAt: string | null;
        /** @description Null until it scored a frame. Boxes at the line’s alert thresholds, matched one to one (same class, IoU ≥ 0.5). */
        agreement: {
          frames: number;
          reviewedFrames: number;
          shadowVsProduction: components['schemas']['MatchCounts'];
          productionVsTruth: components['schemas']['MatchCounts'];
          shadowVsTruth: components['schemas']['MatchCounts'];
        } | null;
      };
    };
    /** @description A line’s learning policy. A null setting follows continual-fine-tune’s default (its configuration); `enabled` null: on when the default has the rule on, or when the line gives it a threshold. Auto-promotion is off unless enabled. `updatedBy` null: never written. */
    LearningPolicy: {
      lineId: string;
      triggers: {
        newLabels: {
          enabled: boolean | null;
          minFrames: number | null;
        };
        unknownClass: {
          enabled: boolean | null;
        };
        rejectRate: {
          enabled: boolean | null;
          window: number | null;
          maxRate: number | null;
        };
        scoreShift: {
          enabled: boolean | null;
          maxDistance: number | null;
          minFrames: number | null;
        };
        schedule: {
          enabled: boolean | null;
          everyHours: number | null;
        };
      };
      autoPromotion: {
        enabled: boolean;
        minFrames: number | null;
        minAgreement: number | null;
      };
      updatedBy: string | null;
      /** Format: date-time */
      updatedAt: string | null;
    };
    /** @description A line as the new-line wizard created it. */
    NewLine: {
      id: string;
      name: string;
      /** @enum {string|null} */
      feedKind: 'factory' | 'pcb' | 'medical' | 'driving' | 'other' | null;
      /** @description Null for a line not made by the wizard (its settings do not say). */
      usesTemplate: boolean | null;
      /** Format: date-time */
      createdAt: string;
    };
    NewCamera: {
      lineId: string;
      id: string;
      name: string;
    };
    /** @description A line's golden template, as stored. */
    LineTemplate: {
      lineId: string;
      objectKey: string;
      width: number;
      height: number;
    };
    /** @description A frame of the line, not (yet) in its onboarding set. */
    AvailableFrame: {
      frameId: string;
      cameraId: string;
      width: number;
      height: number;
      /** Format: date-time */
      capturedAt: string;
    };
    /** @description A frame of a new line's onboarding set. */
    OnboardingItem: {
      /** @description The audit item: label it with `POST /api/v1/alerts/{alertId}/reviews` (the review page). */
      alertId: string;
      frameId: string;
      cameraId: string;
      width: number;
      height: number;
      status: components['schemas']['AlertStatus'];
      labelled: boolean;
      /** @description The latest review's boxes: the frame's label (empty: nothing to find). */
      boxes: components['schemas']['LabelledBox'][];
    };
    /** @description A new line's onboarding set (oldest first) and the line's other frames to pick from. */
    OnboardingSet: {
      lineId: string;
      /** @description Whether the line compares its frames with a golden template (null: its settings do not say). */
      usesTemplate: boolean | null;
      /** @description The nearest production model to adapt from (template use first, then the newest); null when no line has a model. */
      suggestedBase: {
        modelVersionId: string;
        name: string;
        version: string;
        reason: string;
      } | null;
      items: components['schemas']['OnboardingItem'][];
      available: components['schemas']['AvailableFrame'][];
    };
    /** @description An adaptation on its way to continual-fine-tune; its answer (training.trigger-answered on the jobs stream) carries the same requestId, then the job its progress. */
    AdaptationRequest: {
      requestId: string;
      lineId: string;
      /** @enum {string} */
      start: 'scratch' | 'finetune' | 'meta';
      baseModelVersionId: string;
      shotFrameIds: string[];
      evaluationFrameIds: string[];
      budgetSeconds: number;
    };
    SearchSummary: {
      id: string;
      lineId: string;
      name: string;
      controller: string;
      /** @enum {string} */
      status: 'running' | 'completed' | 'cancelled' | 'failed';
      stopReason: string | null;
      requestedBy: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      progress: {
        requested: number;
        completed: number;
        failed: number;
        /** @description The best point so far (highest reward), null before any. */
        best: {
          ap: number;
          latencyMs: number;
        } | null;
        frontSize: number;
        trialsPerHour: number;
        /** @description Time the search has run (time while stopped does not count). */
        elapsedSeconds: number;
        budget: {
          maxTrials: number | null;
          maxWallSeconds: number | null;
        };
      };
    };
    SearchList: {
      items: components['schemas']['SearchSummary'][];
    };
    /** @description A trial at the highest rung it completed: one dot of the front plot. */
    SearchPoint: {
      trialId: string;
      sequence: number;
      /** @description The highest rung the trial completed: its figures are that rung’s. */
      rung: number;
      controller: string;
      ap: number;
      /** @description ms per image as served */
      latencyMs: number;
      latencySource: string | null;
      reward: number | null;
      params: number | null;
      macs: number | null;
      onFront: boolean;
      spec: {
        input: string;
        template: string;
        widths: number[];
        depths: number[];
        neck: string;
        head: string;
      };
    };
    SearchDetail: {
      id: string;
      lineId: string;
      name: string;
      controller: string;
      /** @enum {string} */
      status: 'running' | 'completed' | 'cancelled' | 'failed';
      stopReason: string | null;
      requestedBy: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      progress: {
        requested: number;
        completed: number;
        failed: number;
        /** @description The best point so far (highest reward), null before any. */
        best: {
          ap: number;
          latencyMs: number;
        } | null;
        frontSize: number;
        trialsPerHour: number;
        /** @description Time the search has run (time while stopped does not count). */
        elapsedSeconds: number;
        budget: {
          maxTrials: number | null;
          maxWallSeconds: number | null;
        };
      };
      /** @description The search.run.requested.v1 it started from. */
      settings: {
        [key: string]: unknown;
      };
      points: components['schemas']['SearchPoint'][];
      /** @description The Pareto front (maximise AP, minimise latency), fastest first. */
      front: components['schemas']['SearchPoint'][];
      /** @description The line's production model, marked on the plot; latency null: not measured. */
      production: {
        modelVersionId: string;
        name: string;
        version: string;
        ap: number | null;
        apMetric: string | null;
        latencyMs: number | null;
        /** @enum {string|null} */
        latencySource: 'registry' | 'pipeline-p50' | null;
      } | null;
      candidates: {
        modelVersionId: string;
        trialId: string;
        controller: string;
        requestedBy: string;
        /** Format: date-time */
        createdAt: string;
      }[];
    };
    /** @description The search request is on its way to architecture-search; the list shows it once the controller took it. */
    SearchStarted: {
      searchId: string;
      lineId: string;
      name: string;
      requestedBy: string;
    };
    /** @description The full training is on its way; the candidate appears in the search’s candidates and the models page once registered. */
    SearchTrainingRequest: {
      requestId: string;
      searchId: string;
      trialId: string;
      lineId: string;
      requestedBy: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  HealthController_live: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  HealthController_ready: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_signIn: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          username: string;
          password: string;
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Session'];
        };
      };
    };
  };
  AuthController_signOut: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Session'];
        };
      };
    };
  };
  UsersController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserList'];
        };
      };
    };
  };
  UsersController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          username: string;
          displayName: string;
          /** @enum {string} */
          role: 'operator' | 'ml-engineer' | 'admin';
          password: string;
        };
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['User'];
        };
      };
    };
  };
  UsersController_change: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          role?: 'operator' | 'ml-engineer' | 'admin';
          disabled?: boolean;
          displayName?: string;
          password?: string;
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['User'];
        };
      };
    };
  };
  ServiceTokensController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ServiceTokenList'];
        };
      };
    };
  };
  ServiceTokensController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | {
              name: string;
              /** @enum {string} */
              kind: 'camera';
            }
          | {
              name: string;
              /** @enum {string} */
              kind: 'service';
              /** @enum {string} */
              role: 'operator' | 'ml-engineer' | 'admin';
            };
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['IssuedServiceToken'];
        };
      };
    };
  };
  ServiceTokensController_revoke: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuditController_list: {
    parameters: {
      query?: {
        actor?: string;
        action?: string;
        subjectType?: string;
        subjectId?: string;
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditPage'];
        };
      };
    };
  };
  AlertsController_list: {
    parameters: {
      query?: {
        status?: 'open' | 'confirmed' | 'rejected' | 'corrected' | 'all';
        lineId?: string;
        cameraId?: string;
        severity?: 'low' | 'medium' | 'high' | 'critical';
        className?: string;
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AlertPage'];
        };
      };
    };
  };
  AlertsController_count: {
    parameters: {
      query?: {
        status?: 'open' | 'confirmed' | 'rejected' | 'corrected' | 'all';
        lineId?: string;
        cameraId?: string;
        severity?: 'low' | 'medium' | 'high' | 'critical';
        className?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AlertCount'];
        };
      };
    };
  };
  AlertsController_streamEvents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Server-Sent Events: `alert.raised` (data: an AlertSummary), `alert.reviewed` (data: an AlertReviewedEvent), and `: ping` comments to keep the connection open */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AlertsController_bulkReview: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          decision: 'confirmed' | 'rejected';
          alertIds: string[];
          /** @enum {boolean} */
          confirm: true;
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BulkReviewAnswer'];
        };
      };
    };
  };
  AlertsController_detail: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AlertDetail'];
        };
      };
    };
  };
  AlertsController_review: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          decision: 'confirmed' | 'rejected' | 'corrected';
          boxes?: {
            className: string;
            box: {
              x1: number;
              y1: number;
              x2: number;
              y2: number;
            };
          }[];
          comment?: string | null;
          /** Format: uuid */
          reviewId?: string;
        };
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReviewAnswer'];
        };
      };
    };
  };
  AuditItemsController_list: {
    parameters: {
      query?: {
        status?: 'open' | 'confirmed' | 'rejected' | 'corrected' | 'all';
        lineId?: string;
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditItemPage'];
        };
      };
    };
  };
  FramesController_image: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  FramesController_template: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ModelsController_list: {
    parameters: {
      query?: {
        name?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelList'];
        };
      };
    };
  };
  ModelsController_compare: {
    parameters: {
      query: {
        a: string;
        b: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelComparison'];
        };
      };
    };
  };
  ModelsController_promotions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VersionPromotionList'];
        };
      };
    };
  };
  ModelsController_detail: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelDetail'];
        };
      };
    };
  };
  PromotionsController_timeline: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionTimeline'];
        };
      };
    };
  };
  PromotionsController_promote: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** Format: uuid */
          modelVersionId: string;
          reason: string;
          gateOverride?: {
            reason: string;
          };
        };
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionAnswer'];
        };
      };
      /** @description gateOverride given by someone who is not an admin (promotion.gate-override-requires-admin) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description the version cannot serve the line (e.g. "pcb-template-s4@1.0.0 cannot serve line pcb-1: …"), or it is a candidate that failed its gates and no gateOverride was given (details.reason model.gates-failed) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PromotionsController_rollback: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          reason: string;
        };
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PromotionAnswer'];
        };
      };
      /** @description nothing to roll back to: the line has no production model, or its current one was its first */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  LinesController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LineList'];
        };
      };
    };
  };
  NewLineController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The line id (slug): lower-case letters, digits and dashes, used in object keys and events. */
          id: string;
          name: string;
          /** @enum {string} */
          feedKind: 'factory' | 'pcb' | 'medical' | 'driving' | 'other';
          /** @description Whether its frames are compared with a golden template */
          usesTemplate: boolean;
        };
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NewLine'];
        };
      };
    };
  };
  DashboardController_get: {
    parameters: {
      query?: {
        minutes?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Dashboard'];
        };
      };
    };
  };
  DatasetsController_list: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DatasetVersionList'];
        };
      };
    };
  };
  DatasetsController_detail: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DatasetVersionDetail'];
        };
      };
    };
  };
  DatasetsController_manifest: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  DatasetsController_coco: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  TrainingJobsController_list: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TrainingJobList'];
        };
      };
    };
  };
  TrainingJobsController_trigger: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          reason: string;
        };
      };
    };
    responses: {
      /** @description Accepted: the request is on its way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TriggerRequest'];
        };
      };
    };
  };
  TrainingJobsController_streamEvents: {
    parameters: {
      query?: {
        lineId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Server-Sent Events: `training.progress`, `training.completed`, `training.failed` (data: the training.job.*.v1 event) and `training.trigger-answered` (data: the training.job.trigger-answered.v1 event), of one line when `lineId` is given; `: ping` comments keep it open */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  TrainingJobsController_detail: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TrainingJob'];
        };
      };
    };
  };
  TrainingJobsController_cancel: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TrainingJob'];
        };
      };
      /** @description the job has ended (training-job.ended) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  CandidatesController_detail: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Candidate'];
        };
      };
    };
  };
  LearningPolicyController_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LearningPolicy'];
        };
      };
    };
  };
  LearningPolicyController_replace: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /**
           * @default {
           *       "newLabels": {
           *         "enabled": null,
           *         "minFrames": null
           *       },
           *       "unknownClass": {
           *         "enabled": null
           *       },
           *       "rejectRate": {
           *         "enabled": null,
           *         "window": null,
           *         "maxRate": null
           *       },
           *       "scoreShift": {
           *         "enabled": null,
           *         "maxDistance": null,
           *         "minFrames": null
           *       },
           *       "schedule": {
           *         "enabled": null,
           *         "everyHours": null
           *       }
           *     }
           */
          triggers?: {
            /**
             * @default {
             *       "enabled": null,
             *       "minFrames": null
             *     }
             */
            newLabels?: {
              /** @default null */
              enabled?: boolean | null;
              /** @default null */
              minFrames?: number | null;
            };
            /**
             * @default {
             *       "enabled": null
             *     }
             */
            unknownClass?: {
              /** @default null */
              enabled?: boolean | null;
            };
            /**
             * @default {
             *       "enabled": null,
             *       "window": null,
             *       "maxRate": null
             *     }
             */
            rejectRate?: {
              /** @default null */
              enabled?: boolean | null;
              /** @default null */
              window?: number | null;
              /** @default null */
              maxRate?: number | null;
            };
            /**
             * @default {
             *       "enabled": null,
             *       "maxDistance": null,
             *       "minFrames": null
             *     }
             */
            scoreShift?: {
              /** @default null */
              enabled?: boolean | null;
              /** @default null */
              maxDistance?: number | null;
              /** @default null */
              minFrames?: number | null;
            };
            /**
             * @default {
             *       "enabled": null,
             *       "everyHours": null
             *     }
             */
            schedule?: {
              /** @default null */
              enabled?: boolean | null;
              /** @default null */
              everyHours?: number | null;
            };
          };
          /**
           * @default {
           *       "enabled": false,
           *       "minFrames": null,
           *       "minAgreement": null
           *     }
           */
          autoPromotion?: {
            /** @default false */
            enabled?: boolean;
            /** @default null */
            minFrames?: number | null;
            /** @default null */
            minAgreement?: number | null;
          };
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LearningPolicy'];
        };
      };
    };
  };
  SearchesController_list: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SearchList'];
        };
      };
    };
  };
  SearchesController_start: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          lineId: string;
          name: string;
          /** @enum {string} */
          controller: 'ppo' | 'evolution' | 'random';
          /** @default 1 */
          seed?: number;
          dataSource: string;
          objective: {
            targetMs: number;
            alpha: number;
            beta: number;
            servingBatch: number;
            servingThreads: number;
          };
          budget: {
            maxTrials?: number;
            maxWallSeconds?: number;
          };
          rungs: {
            rung: number;
            epochs: number;
            trainImages: number;
            cropsPerImage: number;
          }[];
          eta: number;
          maxInFlight: number;
          /**
           * Format: uuid
           * @description The base model (input channels, classes); default: the line's production model.
           */
          baseModelVersionId?: string;
        };
      };
    };
    responses: {
      /** @description Accepted: the request is on its way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SearchStarted'];
        };
      };
    };
  };
  SearchesController_detail: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SearchDetail'];
        };
      };
    };
  };
  SearchesController_cancel: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @default cancelled from the console */
          reason?: string;
        };
      };
    };
    responses: {
      /** @description Accepted: the search as it was when asked */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SearchSummary'];
        };
      };
      /** @description the search has ended */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SearchesController_train: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Epochs of the full training; default: the service's (the shipped model's 30). */
          epochs?: number;
        };
      };
    };
    responses: {
      /** @description Accepted: the request is on its way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SearchTrainingRequest'];
        };
      };
      /** @description the trial has no completed measurement */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  NewLineController_addCamera: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          id: string;
          name: string;
        };
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NewCamera'];
        };
      };
    };
  };
  NewLineController_setTemplate: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LineTemplate'];
        };
      };
    };
  };
  NewLineController_onboardingSet: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OnboardingSet'];
        };
      };
    };
  };
  NewLineController_pick: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          frameIds: string[];
          /**
           * Format: uuid
           * @description The model the line will be adapted from (the set is its training material)
           */
          baseModelVersionId: string;
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OnboardingSet'];
        };
      };
    };
  };
  NewLineController_upload: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Stored */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AvailableFrame'];
        };
      };
    };
  };
  NewLineController_adapt: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /**
           * @description Default: the console's ARGUS_CONSOLE_ADAPT_START
           * @enum {string}
           */
          start?: 'scratch' | 'finetune' | 'meta';
          /** Format: uuid */
          baseModelVersionId: string;
          shotFrameIds: string[];
          budgetSeconds?: number;
        };
      };
    };
    responses: {
      /** @description Accepted: the request is on its way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AdaptationRequest'];
        };
      };
    };
  };
}
