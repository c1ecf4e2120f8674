"""Load a facenet-java SavedModel in Python TensorFlow and embed one image.

    pip install tensorflow-cpu
    python tools/embed_image.py models/<run>/saved_model face.jpg

Not run by CI; the project itself never depends on Python.
"""
import sys

import tensorflow as tf


def main(model_dir: str, image_path: str) -> None:
    model = tf.saved_model.load(model_dir)
    serve = model.signatures["serving_default"]
    size = serve.structured_input_signature[1]["images"].shape[1]
    image = tf.io.decode_image(tf.io.read_file(image_path), channels=3, expand_animations=False)
    # As facenet-embed does (TensorFlowImageDecoder): the centre square, resized with the antialiased bilinear filter
    # (facenet-embed centres it to half a pixel when the excess is odd; this crop rounds down).
    # The model takes raw RGB values 0..255 at size x size; standardisation happens inside the graph.
    h, w = image.shape[0], image.shape[1]
    side = min(h, w)
    image = tf.image.crop_to_bounding_box(image, (h - side) // 2, (w - side) // 2, side, side)
    image = tf.image.resize(tf.cast(image, tf.float32), (size, size), antialias=True)
    embedding = serve(images=image[tf.newaxis])["embeddings"][0].numpy()
    print(f"{image_path}: {embedding.shape[0]}-D, norm {float((embedding ** 2).sum()) ** 0.5:.4f}")
    print(" ".join(f"{v:.5f}" for v in embedding[:8]), "...")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: embed_image.py MODEL_DIR IMAGE")
    main(sys.argv[1], sys.argv[2])
