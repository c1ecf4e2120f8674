package org.facenet.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.facenet.data.DatasetException;
import org.facenet.data.ImageDataset;
import org.facenet.data.LabeledImage;

/**
 * facenet's validation split of the training identities' images (train_softmax.py's --validation_set_split_ratio,
 * split_dataset(..., 'SPLIT_IMAGES')): each identity's images are shuffled, the first floor(n (1 - ratio)) train
 * (at most n - 1) and the rest validate, when at least {@code minImagesPerClassForValidation} remain for training.
 * Unlike facenet, which then drops the identity from both sets, an identity that does not qualify keeps all its
 * images for training. The classes (and labels) stay those of the whole data set.
 *
 * @param validation null without a split
 * @param identities identities that gave images to the validation set
 */
public record ValidationSplit(ImageDataset training, ImageDataset validation, int identities) {

  public static ValidationSplit of(ImageDataset all, FacenetRecipe recipe, long seed) {
    double ratio = recipe.validationSetSplitRatio();
    if (ratio == 0) return new ValidationSplit(all, null, 0);
    SplittableRandom random = new SplittableRandom(seed);
    List<LabeledImage> train = new ArrayList<>();
    List<LabeledImage> validate = new ArrayList<>();
    int identities = 0;
    for (int c = 0; c < all.numClasses(); c++) {
      List<Integer> idx = new ArrayList<>(all.imagesOfClass(c));
      for (int i = idx.size() - 1; i > 0; i--) java.util.Collections.swap(idx, i, random.nextInt(i + 1));
      int n = idx.size();
      int split = Math.min((int) Math.floor(n * (1 - ratio)), n - 1);
      boolean qualifies = split >= Math.max(1, recipe.minImagesPerClassForValidation()) && n - split >= 1;
      for (int i = 0; i < n; i++) (qualifies && i >= split ? validate : train).add(all.images().get(idx.get(i)));
      if (qualifies) identities++;
    }
    if (validate.isEmpty()) {
      throw new DatasetException(all.root() + ": --validation-set-split-ratio " + ratio + " holds out no image: no "
          + "identity keeps " + Math.max(1, recipe.minImagesPerClassForValidation()) + " or more images for training "
          + "(--min-images-per-class-for-validation) with one or more left to validate");
    }
    train.sort(java.util.Comparator.comparing(LabeledImage::path));
    validate.sort(java.util.Comparator.comparing(LabeledImage::path));
    return new ValidationSplit(all.withImages(train), all.withImages(validate), identities);
  }
}
