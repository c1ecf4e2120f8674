package org.facenet.embed;

/** One image's embedding: its path, its label (the parent folder's name) and the vector. */
public record EmbeddingRow(String path, String label, float[] embedding) {}
