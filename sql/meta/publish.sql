-- publish: stamp the build with the time it is published (the last write before the rename).
update warehouse_build set published_at = getvariable('published_at')::timestamp;
