import { SnakeNamingStrategy, snakeCase } from './snake-naming.strategy';

describe('snakeCase', () => {
  it.each([
    ['lineId', 'line_id'],
    ['createdAt', 'created_at'],
    ['minBoxAreaPx2', 'min_box_area_px2'],
    ['x1', 'x1'],
    ['sha256', 'sha256'],
    ['HTTPServer', 'http_server'],
    ['frameID', 'frame_id'],
    ['ModelVersionEntity', 'model_version_entity'],
    ['already_snake', 'already_snake'],
    ['parentVersion.id', 'parent_version_id'],
  ])('%s → %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});

describe('SnakeNamingStrategy', () => {
  const strategy = new SnakeNamingStrategy();

  it('names tables and columns in snake_case unless named explicitly', () => {
    expect(strategy.tableName('ProductionLine', undefined)).toBe('production_line');
    expect(strategy.tableName('ProductionLineEntity', 'production_line')).toBe('production_line');
    expect(strategy.columnName('capturedAt', undefined, [])).toBe('captured_at');
    expect(strategy.columnName('capturedAt', 'taken', [])).toBe('taken');
    expect(strategy.columnName('x1', undefined, ['box'])).toBe('box_x1');
    expect(strategy.columnName('areaPx', undefined, ['boundingBox', 'outer'])).toBe('bounding_box_outer_area_px');
  });

  it('names relations, join columns and join tables in snake_case', () => {
    expect(strategy.relationName('parentVersion')).toBe('parent_version');
    expect(strategy.joinColumnName('parentVersion', 'id')).toBe('parent_version_id');
    expect(strategy.joinTableName('model_version', 'tag', 'tags', 'versions')).toBe('model_version_tags_tag');
    expect(strategy.joinTableColumnName('model_version', 'id')).toBe('model_version_id');
    expect(strategy.joinTableColumnName('model_version', 'id', 'versionId')).toBe('model_version_version_id');
  });
});
