import { validateContentType, validateObjectMetadata, validateObjectSize } from './object-metadata.validator';
import { InvalidObjectMetadataError } from './object-store.errors';

describe('validateContentType', () => {
  it.each(['image/jpeg', 'image/png', 'application/octet-stream', 'text/plain; charset=utf-8', 'application/vnd.onnx+protobuf'])(
    'accepts %s',
    (contentType) => expect(validateContentType(contentType)).toBe(contentType),
  );
  it.each(['', 'jpeg', 'image/', '/png', 'image/png\r\nX-Evil: 1', 'imäge/png'])('refuses %j', (contentType) => {
    expect(() => validateContentType(contentType)).toThrow(InvalidObjectMetadataError);
  });
});

describe('validateObjectMetadata', () => {
  it('accepts lowercase names with printable ASCII values, and no metadata at all', () => {
    expect(validateObjectMetadata({ 'camera-id': 'cam-top', sha256: 'ab' })).toEqual({ 'camera-id': 'cam-top', sha256: 'ab' });
    expect(validateObjectMetadata(undefined)).toEqual({});
  });
  it.each([
    [{ 'Camera-Id': 'x' }, 'lowercase'],
    [{ 'camera id': 'x' }, 'lowercase'],
    [{ 'content-type': 'x' }, 'reserved'],
    [{ 'x-amz-meta-a': 'x' }, 'reserved'],
    [{ a: 'caméra' }, 'printable ASCII'],
    [{ a: 'line\nbreak' }, 'printable ASCII'],
    [{ a: 'x'.repeat(2048) }, 'at most 2048 bytes'],
  ])('refuses %j (%s)', (metadata, problem) => {
    expect(() => validateObjectMetadata(metadata)).toThrow(problem);
  });
});

describe('validateObjectSize', () => {
  it('accepts undefined and non-negative integers', () => {
    expect(validateObjectSize(undefined)).toBeUndefined();
    expect(validateObjectSize(0)).toBe(0);
    expect(validateObjectSize(20 * 2 ** 20)).toBe(20 * 2 ** 20);
  });
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '12'])('refuses %p', (size) => {
    expect(() => validateObjectSize(size)).toThrow(InvalidObjectMetadataError);
  });
});
