"""The reviewer\x27s loop: audit circulars, report cards, exports and corrections over the warehouse."""
