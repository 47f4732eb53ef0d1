throw new Error("boom at load\nsecond line");
