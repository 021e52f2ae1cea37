"""Q5 one mistake: the batch is float64."""
from td_convnets_reference import *  # noqa: F403

import keras
import numpy as np


def load_for_resnet(path, target_size=(224, 224)):
    """Q5: right values, float64."""
    image = keras.utils.load_img(path, target_size=target_size)
    batch = keras.utils.img_to_array(image)[np.newaxis]
    return keras.applications.resnet50.preprocess_input(batch).astype("float64")
