"""The deep pipeline's sentence signals: one int8 transformer pass per sentence feeds
every head (bias, subjectivity, check-worthiness, propaganda spans and their
techniques).  Run time needs onnxruntime, tokenizers and numpy only."""
