"""Q5 one mistake: pixels divided by 255 instead of ResNet50's preprocess_input."""
from td_convnets_reference import *  # noqa: F403

import keras
import numpy as np


def load_for_resnet(path, target_size=(224, 224)):
    """Q5: / 255."""
    image = keras.utils.load_img(path, target_size=target_size)
    return (keras.utils.img_to_array(image)[np.newaxis] / 255.0).astype("float32")
