/** The audit actions of the new-line wizard: every step that changes something writes one. */
export const NewLineAuditActions = {
  lineCreated: 'line.created',
  cameraAdded: 'line.camera-added',
  templateSet: 'line.template-set',
  framesUploaded: 'line.onboarding-frames-uploaded',
  framesPicked: 'line.onboarding-frames-picked',
  adaptationRequested: 'line.adaptation-requested',
} as const;
